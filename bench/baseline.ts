// Reference figures copied from ../shared/peers/baseline.md ("Summary: Directus 10.13.4 (run 2)").
// They were NOT measured by this bench: wrk 4.1.0 (-t1), 10,000 seeded users, the same kind of
// 2-vCPU machine, another day. Every table that shows them says so.

export const BASELINE_SOURCE =
  '../shared/peers/baseline.md: Directus 10.13.4 on Node 20, SQLite, 10,000 users, wrk -t1 (not measured in this run)';

/** req/s by scenario key and connection count. */
export const BASELINE_REQ_PER_SEC: Record<string, Record<number, number>> = {
  // (a) GET /users/me, static admin token
  'users-me': { 10: 117.8, 50: 120.3 },
  // (b) GET /users?limit=50&filter[status][_eq]=active&sort=-email, admin
  'users-list': { 10: 79.8, 50: 77.7 },
  // ceiling: bare fastify@5 hello world, measured there with wrk rather than autocannon
  'fastify-ceiling': { 10: 18184.3, 50: 16344.7 },
};

export function baselineFor(key: string, connections: number): number | null {
  return BASELINE_REQ_PER_SEC[key]?.[connections] ?? null;
}
