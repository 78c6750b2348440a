// The bench's output: one markdown table (Usher, Directus beside it, their ratio, the issue's
// target and whether it is met) and a JSON file in bench/results/ (git-ignored).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import type { Measurement } from './load.js';
import { ROOT } from './server.js';

/** A request timed once per run (invite, delete, the App's first load) or a single figure (cold start, RSS). */
export interface Single {
  /** Median of the runs, in the row's unit (ms or MB). */
  value: number;
  runs: number[];
  unit: 'ms' | 'MB' | '/s';
  otherCores?: number | null;
}

export type Figures = { load: Measurement } | { single: Single };

export interface Target {
  text: string;
  met: boolean | null;
}

export interface ResultRow {
  key: string;
  scenario: string;
  connections: number | null;
  usher: Figures | null;
  /** Directus: measured in this run, or baseline.md's figure when --vs-directus is not given. */
  peer: Figures | null;
  peerSource: 'measured' | 'baseline.md' | null;
  /** Usher ÷ Directus for rates, Directus ÷ Usher for times and memory: above 1 is Usher ahead. */
  ratio: number | null;
  targets: Target[];
  note?: string;
}

export interface Machine {
  nproc: number;
  cpu: string;
  memGb: number;
  node: string;
  platform: string;
  loadavgAtStart: number[];
}

export function describeMachine(): Machine {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavgAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** The commit the figures belong to, and whether the tree had changes (read-only git calls). */
export function describeCommit(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

export function writeResults(report: object, startedAt: Date, tag = ''): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}${tag}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}

/**
 * bench/RESULTS.md: the table of the last complete run (every scenario, no --only), with the
 * commit, the machine and the exact command, so a reader can tell what it measured and rerun it.
 */
export function writeResultsMarkdown(opts: {
  title: string;
  command: string;
  commit: { commit: string | null; dirty: boolean | null };
  machine: Machine;
  startedAt: Date;
  summary: string[];
  table: string;
  verdict: string;
  jsonFile: string;
}): string {
  const file = join(ROOT, 'bench', 'RESULTS.md');
  const m = opts.machine;
  const text = [
    `# ${opts.title}`,
    '',
    `Written by \`npm run bench\` at the end of a complete run; \`bench/README.md\` says what each row measures.`,
    '',
    `- when: ${opts.startedAt.toISOString()}`,
    `- command: \`${opts.command}\``,
    `- commit: \`${opts.commit.commit ?? 'unknown'}\`${opts.commit.dirty ? ' (with uncommitted changes to src/ or bench/)' : ''}`,
    `- machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGb} GiB, Node ${m.node}, ${m.platform}; load average at start ${m.loadavgAtStart.join(' / ')}`,
    `- raw figures: \`${relative(ROOT, opts.jsonFile)}\` (not committed)`,
    '',
    ...opts.summary,
    '',
    opts.table,
    '',
    opts.verdict,
    '',
  ].join('\n');
  writeFileSync(file, text);
  return file;
}

export const fixed = (n: number | null | undefined, digits: number) => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
const sig = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function cells(f: Figures | null): string[] {
  if (!f) return ['—', '—', '—', '—', '—', '—'];
  if ('single' in f) {
    const s = f.single;
    const shown = s.unit === 'ms' ? `${sig(s.value)} ms` : s.unit === 'MB' ? `${sig(s.value)} MB` : `${sig(s.value)}/s`;
    const runs = s.runs.length > 1 ? ` (runs ${s.runs.map(sig).join(', ')})` : '';
    return [shown + runs, '', '', '', '', ''];
  }
  const m = f.load;
  const cpu = m.dbCpuMsPerReq === null ? sig(m.serverCpuMsPerReq) : `${sig(m.serverCpuMsPerReq)} + ${sig(m.dbCpuMsPerReq)} PG`;
  return [
    `${fixed(m.reqPerSec, 0)} req/s`,
    fixed(m.p50Ms, 2),
    fixed(m.p99Ms, 2),
    `${m.errors} / ${m.non2xx}`,
    cpu,
    m.rssMbAfter === null ? '—' : String(m.rssMbAfter),
  ];
}

function otherCpu(f: Figures | null): string {
  if (!f) return '—';
  return 'load' in f ? fixed(f.load.otherCores, 2) : fixed(f.single.otherCores ?? null, 2);
}

export function markdownTable(rows: ResultRow[], peerName: string): string {
  const head = [
    'scenario',
    'conns',
    'Usher',
    'p50 ms',
    'p99 ms',
    'errors / non-2xx',
    'CPU ms/req',
    'RSS MB',
    peerName,
    'p50 ms',
    'p99 ms',
    'errors / non-2xx',
    'CPU ms/req',
    'RSS MB',
    'Usher ÷ peer',
    'target (issue 7)',
    'met',
    'other CPU (cores) U / D',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 1 ? '---' : i === 15 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const met = r.targets.length === 0 ? '' : r.targets.every((t) => t.met === true) ? 'met' : r.targets.some((t) => t.met === false) ? '**not met**' : '?';
    const peerCells = r.peerSource === 'baseline.md' ? cells(r.peer).map((c, i) => (i === 0 && c !== '—' ? `${c} †` : c)) : cells(r.peer);
    lines.push(
      `| ${[
        r.scenario + (r.note ? ` (${r.note})` : ''),
        r.connections === null ? '' : String(r.connections),
        ...cells(r.usher),
        ...peerCells,
        r.ratio === null ? '—' : `${r.ratio >= 10 ? r.ratio.toFixed(0) : r.ratio.toFixed(2)}×`,
        r.targets.map((t) => t.text).join('; '),
        met,
        `${otherCpu(r.usher)} / ${otherCpu(r.peerSource === 'measured' ? r.peer : null)}`,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
