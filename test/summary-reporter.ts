// Prints one plain closing line, "N passed, N failed, N skipped", so CI can tell a run that tested
// something from one that did not, whatever the runner's own summary looks like.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) failed++;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    const db = process.env.TEST_PG_URL ? 'sqlite+postgres' : 'sqlite';
    process.stdout.write(`\n${db}: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
