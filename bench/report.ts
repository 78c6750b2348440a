// The bench's output: one markdown table and a JSON file in bench/results/ (git-ignored).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BASELINE_SOURCE } from './baseline.js';
import type { Measurement } from './load.js';
import { ROOT } from './server.js';

export interface ResultRow extends Measurement {
  key: string;
  scenario: string;
  bodyBytes: number | null;
  /** req/s as a share of the Fastify ceiling at the same connection count, this run. */
  ofCeiling: number | null;
  /** From baseline.md, not measured now. */
  baselineReqPerSec: number | null;
  ratioToBaseline: number | null;
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
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

export function writeResults(report: object, startedAt: Date): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}

const fixed = (n: number | null, digits: number) => (n === null ? '—' : n.toFixed(digits));
const ratio = (n: number | null, digits = 1) => (n === null ? '—' : `${n.toFixed(digits)}×`);
const percent = (n: number | null) => (n === null ? '—' : `${(n * 100).toFixed(1)}%`);

export function markdownTable(rows: ResultRow[]): string {
  const head = [
    'scenario',
    'conns',
    'req/s',
    'mean ms',
    'p50 ms',
    'p99 ms',
    'errors / non-2xx',
    '% of Fastify ceiling (this run)',
    'baseline.md req/s †',
    'req/s ÷ baseline.md †',
    'server (+ PG) CPU ms/req',
    'server / PG / client / other CPU (cores)',
    'server RSS MB after',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 1 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const cells = [
      r.scenario,
      String(r.connections),
      fixed(r.reqPerSec, 0),
      fixed(r.meanMs, 2),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      `${r.errors} / ${r.non2xx}`,
      percent(r.ofCeiling),
      fixed(r.baselineReqPerSec, 1),
      ratio(r.ratioToBaseline, r.key === 'fastify-ceiling' ? 2 : 1),
      r.dbCpuMsPerReq === null ? fixed(r.serverCpuMsPerReq, 3) : `${fixed(r.serverCpuMsPerReq, 3)} + ${fixed(r.dbCpuMsPerReq, 3)}`,
      `${fixed(r.serverCores, 2)} / ${fixed(r.dbCores, 2)} / ${fixed(r.clientCores, 2)} / ${fixed(r.otherCores, 2)}`,
      r.rssMbAfter === null ? '—' : String(r.rssMbAfter),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', `† ${BASELINE_SOURCE}. For the ceiling row it is the peer's Fastify hello world under wrk.`);
  return lines.join('\n');
}
