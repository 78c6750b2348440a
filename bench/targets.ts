// Issue 7's targets, each judged on figures from the same run: against Directus when it ran beside
// Usher (or baseline.md's figure, marked so, when it did not), against the ceilings measured here,
// or as an absolute bound. Issue 5's "a row-filtered list within 20% of the admin's" is judged too.
import type { Measurement } from './load.js';
import type { ResultRow, Target } from './report.js';

export interface TargetInputs {
  ceiling: Measurement[];
  argon2PerSecond: number | null;
  large: boolean;
  users: number;
}

const RATIO_TARGETS: Record<string, number> = {
  'users-me': 60,
  'users-me-jwt': 60,
  'users-list': 30,
  'users-list-reader': 30,
  'users-role-name': 30,
  'users-search': 40,
  'users-create': 20,
};

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function rate(row: ResultRow | undefined): number | null {
  return row?.usher && 'load' in row.usher ? row.usher.load.reqPerSec : null;
}

export function targetsFor(row: ResultRow, rows: ResultRow[], inputs: TargetInputs): Target[] {
  const out: Target[] = [];
  const u = row.usher;
  const load = u && 'load' in u ? u.load : null;
  const single = u && 'single' in u ? u.single : null;

  const ratioTarget = RATIO_TARGETS[row.key];
  // The ratios are set for 100,000 users; on --large the list and search rows are judged on p99.
  if (ratioTarget !== undefined && !inputs.large) {
    const against = row.peerSource === 'baseline.md' ? ' (vs baseline.md)' : '';
    out.push({
      text: `≥ ${ratioTarget}× Directus${against}: ${row.ratio === null ? '—' : `${row.ratio.toFixed(0)}×`}`,
      met: row.ratio === null ? null : row.ratio >= ratioTarget,
    });
  }
  if (row.key === 'users-me' && load) {
    const top = inputs.ceiling.find((c) => c.connections === row.connections)?.reqPerSec ?? null;
    out.push({ text: `≥ 45% of Fastify ceiling: ${top ? pct(load.reqPerSec / top) : '—'}`, met: top ? load.reqPerSec / top >= 0.45 : null });
  }
  if (row.key === 'users-list-reader' && load) {
    const admin = rate(rows.find((r) => r.key === 'users-list' && r.connections === row.connections));
    out.push({ text: `≥ 80% of the admin list (issue 5): ${admin ? pct(load.reqPerSec / admin) : '—'}`, met: admin ? load.reqPerSec / admin >= 0.8 : null });
  }
  if (row.key === 'users-search' && inputs.large && load) {
    out.push({ text: `p99 < 50 ms on ${inputs.users.toLocaleString('en')} users: ${load.p99Ms.toFixed(1)} ms`, met: load.p99Ms < 50 });
  }
  if (row.key === 'login' && load) {
    const top = inputs.argon2PerSecond;
    out.push({ text: `≥ 90% of the argon2id ceiling: ${top ? pct(load.reqPerSec / top) : '—'}`, met: top ? load.reqPerSec / top >= 0.9 : null });
  }
  if ((row.key === 'users-invite' || row.key === 'users-delete') && single) {
    out.push({ text: `< 2 s in one request: ${(single.value / 1000).toFixed(2)} s`, met: single.value < 2000 });
  }
  if (row.key === 'rss' && single) out.push({ text: `< 120 MB: ${single.value} MB`, met: single.value < 120 });
  if (row.key === 'cold-start' && single) out.push({ text: `< 500 ms: ${single.value.toFixed(0)} ms`, met: single.value < 500 });
  return out;
}
