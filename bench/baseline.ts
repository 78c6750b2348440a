// Reference figures copied from ../shared/peers/baseline.md ("Summary: Directus 10.13.4 (run 2)").
// They were NOT measured by this bench: wrk 4.1.0 (-t1), 10,000 seeded users, the same kind of
// 2-vCPU machine, another day. They stand in for Directus only when --vs-directus is not given,
// and every table that shows them says so.

export const BASELINE_SOURCE =
  '../shared/peers/baseline.md: Directus 10.13.4 on Node 20, SQLite, 10,000 users, wrk -t1 (not measured in this run)';

/** req/s by scenario key and connection count. */
export const BASELINE_REQ_PER_SEC: Record<string, Record<number, number>> = {
  // (a) GET /users/me, static admin token
  'users-me': { 10: 117.8, 50: 120.3 },
  // (a') the same with a JWT
  'users-me-jwt': { 10: 101.7, 50: 94.1 },
  // (b) GET /users?limit=50&filter[status][_eq]=active&sort=-email, admin
  'users-list': { 10: 79.8, 50: 77.7 },
  // (c) GET /users?search=user123 on 10,000 users (a full scan there)
  'users-search': { 10: 23.1, 50: 22.1 },
  // (d') POST /auth/login with LOGIN_STALL_TIME=0, and (d) with the default 500 ms
  login: { 10: 5.8, 50: 5.0 },
  'login-stall': { 10: 5.5, 50: 5.0 },
  // (e) POST /users
  'users-create': { 10: 47.0, 50: 39.8 },
  // ceiling: bare fastify@5 hello world, measured there with wrk rather than autocannon
  'fastify-ceiling': { 10: 18184.3, 50: 16344.7 },
};

/** Single figures: cold start (median of 3) and RSS after warm-up, from the same file. */
export const BASELINE_VALUES: Record<string, number> = {
  'cold-start': 4268,
  rss: 416,
};

export function baselineFor(key: string, connections: number | null): number | null {
  if (connections === null) return BASELINE_VALUES[key] ?? null;
  return BASELINE_REQ_PER_SEC[key]?.[connections] ?? null;
}
