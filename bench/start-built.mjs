// `usher start` from the built bundle (dist/bundle, what bin/usher.mjs runs) and nothing else.
// bin/usher.mjs falls back to the TypeScript sources through tsx when a source file is newer than
// the build, which would time the wrong thing if src/ changes while the bench runs; bench/run.ts
// builds first.
import { runCli } from '../dist/bundle/cli/index.js';

const code = await runCli(['start']);
if (code >= 0) process.exit(code);
