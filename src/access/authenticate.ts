// Works out who is calling from the credential the request carries (reference §2.1), checks the
// role's IP allow-list, and works out what they may do. Every credential is checked against the
// database on every request: a suspended, archived or deleted user, an ended session or a changed
// role takes effect on the very next request, whichever Usher process made the change.
//
// How, cheaply: the database keeps usher_state.data_version, which changes with every change to a
// user, role, permission or session row (migration 0007). Each request reads it (one row by
// primary key); a credential whose full check (user, role and session, one indexed query) was
// made at that same version, and whose session has not expired since, stands as checked then.
// Any other credential is checked in full.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { toBool } from '../db/index.js';
import { sha256 } from '../util/crypto.js';
import { nowIso } from '../util/time.js';
import { findAuthUserBySession, findAuthUserByTokenHash, findUserById, type AuthUser } from '../modules/users/users.repository.js';
import { readStateVersions, readStateVersionsNow, type StateVersions } from '../modules/permissions/usher-state.js';
import { findRoleById } from '../modules/roles/roles.repository.js';
import { PRIVATE_COLUMNS } from '../modules/users/users.fields.js';
import { rulesForRole } from '../modules/permissions/permissions.repository.js';
import { looksLikeJwt, verifyAccessToken } from '../modules/auth/access-token.js';
import { buildPolicy } from './policy.js';
import { ipAllowed } from '../modules/roles/ip-access.js';

export { ipAllowed };
import { PUBLIC_ACCOUNTABILITY, type AccessPolicy, type Accountability } from './types.js';
import type { Variables } from '../query/variables.js';

declare module 'fastify' {
  interface FastifyRequest {
    accountability: Accountability;
    policy: AccessPolicy;
    /** The caller's user and role rows, when the rules name $CURRENT_USER.<field> or $CURRENT_ROLE.<field>. */
    variableFields: Pick<Variables, 'userFields' | 'roleFields'> | null;
    /** usher_state's versions as this request read them (see requestVersions). */
    usherState: StateVersions | null;
    /** The database the request authenticated against (for requestVersions). */
    usherDb: Db | null;
  }
}

export interface AuthenticateOptions {
  db: Db;
  config: Config;
  key: Uint8Array;
}

/** The token a request carries: `Authorization: Bearer`, or `?access_token=`; both at once is an error. */
export function extractToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const query = (request.query as Record<string, unknown> | undefined)?.access_token;
  let fromHeader: string | null = null;
  if (typeof header === 'string' && header.length > 0) {
    const [scheme, value] = header.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && value) fromHeader = value.trim();
  }
  const fromQuery = typeof query === 'string' && query.length > 0 ? query : null;
  if (fromHeader && fromQuery) throw errors.invalidPayload('The request uses more than one method for including an access token');
  return fromHeader ?? fromQuery;
}

export async function resolveAccountability(opts: AuthenticateOptions, request: FastifyRequest): Promise<Accountability> {
  const base: Accountability = { ...PUBLIC_ACCOUNTABILITY, ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
  const token = extractToken(request) ?? request.cookies?.[opts.config.sessionCookie.name] ?? null;
  if (!token) return base;

  let user: AuthUser | undefined;
  let session: string | null = null;
  if (looksLikeJwt(token)) {
    const claims = await verifyAccessToken(opts.key, token);
    session = claims.session;
    user = await checkedCredential(opts.db, `s:${claims.session}`, request, (now) => findAuthUserBySession(opts.db, claims.session, now));
    if (user && user.id !== claims.id) user = undefined;
  } else {
    // Static tokens are stored as SHA-256; only an active user's token counts.
    user = await checkedCredential(opts.db, `t:${token}`, request, () => findAuthUserByTokenHash(opts.db, sha256(token)));
  }
  if (!user || user.status !== 'active') throw errors.invalidCredentials();
  // The role's ip_access allow-list: addresses, ranges or CIDR blocks (IPv4-mapped IPv6 normalised).
  if (!ipAllowed(user.ip_access, request.ip)) throw errors.invalidIp();
  return {
    ...base,
    user: user.id,
    // The role as it is now, not as the token remembers it.
    role: user.role,
    admin: toBool(user.admin_access),
    app: toBool(user.app_access),
    session,
    tfaSetupRequired: toBool(user.enforce_tfa) && !toBool(user.has_tfa),
  };
}

/**
 * Credentials checked in full at a data version (see the top of this file), by credential: the
 * static token's text or the session id. Only checks that found an active user are kept, and only
 * for credentials of a sensible length, so made-up tokens neither fill nor flush it. Bounded;
 * emptied when full.
 */
const checked = new WeakMap<Db, Map<string, { version: number; user: AuthUser; expires: string | null }>>();
const CHECKED_SIZE = 10_000;
const LONGEST_KEPT_CREDENTIAL = 512;

/** How often a kept check stood (hits) or the full one ran (misses), for tests and diagnostics. */
export const credentialCheckStats = { hits: 0, misses: 0 };

async function checkedCredential(
  db: Db,
  key: string,
  request: FastifyRequest,
  lookup: (now: string) => Promise<AuthUser | undefined>,
): Promise<AuthUser | undefined> {
  let known = checked.get(db);
  if (!known) checked.set(db, (known = new Map()));
  const state = readStateVersionsNow(db) ?? (await readStateVersions(db));
  request.usherState = state;
  const now = nowIso();
  const hit = known.get(key);
  if (hit && hit.version === state.data && (hit.expires === null || hit.expires > now)) {
    credentialCheckStats.hits++;
    return hit.user;
  }
  credentialCheckStats.misses++;
  if (hit) known.delete(key);
  const user = await lookup(now);
  if (!user) return undefined;
  // The lookup read the versions again, in the same statement as the rows it checked.
  request.usherState = { permissions: Number(user.permissions_version), data: Number(user.data_version) };
  if (user.status === 'active' && key.length <= LONGEST_KEPT_CREDENTIAL) {
    if (known.size >= CHECKED_SIZE) known.clear();
    known.set(key, { version: Number(user.data_version), user, expires: user.session_expires ?? null });
  }
  return user;
}

/**
 * usher_state's versions as this request saw them: read with its credential, or once, on first
 * need, for an anonymous request.
 */
export async function requestVersions(request: FastifyRequest): Promise<{ permissions: number; data: number }> {
  if (!request.usherState) {
    if (!request.usherDb) throw new Error('requestVersions() before authentication');
    request.usherState = await readStateVersions(request.usherDb);
  }
  return request.usherState;
}

/**
 * Rules compiled once per role and reused while usher_state's version is unchanged. Every request
 * reads that version with its credential, so a change made by any process is seen on the very
 * next request here.
 */
function createPolicyCache(db: Db) {
  const cache = new Map<string, { version: number; policy: AccessPolicy }>();
  return async (request: FastifyRequest, accountability: Accountability): Promise<AccessPolicy> => {
    if (accountability.admin) return buildPolicy(accountability, []);
    const version = (await requestVersions(request)).permissions;
    const key = `${accountability.role ?? 'public'}|${accountability.app}|${accountability.user ? 'user' : 'anonymous'}`;
    const hit = cache.get(key);
    if (hit && hit.version === version) return hit.policy;
    const policy = buildPolicy(accountability, await rulesForRole(db.kysely, accountability.role));
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { version, policy });
    return policy;
  };
}

/**
 * The rows behind $CURRENT_USER.<field> and $CURRENT_ROLE.<field>, read only when the caller's rules
 * use them (one indexed lookup by id), so that a rule such as
 * `{"email": {"_eq": "$CURRENT_USER.email"}}` means what it says.
 */
async function variableFields(db: Db, accountability: Accountability, policy: AccessPolicy): Promise<Pick<Variables, 'userFields' | 'roleFields'> | null> {
  const wants = policy.fieldVariables;
  if (!wants || (!wants.user && !wants.role)) return null;
  const out: Pick<Variables, 'userFields' | 'roleFields'> = {};
  if (wants.user && accountability.user) {
    const row = await findUserById(db.kysely, accountability.user);
    // Secrets and Usher's own columns never take part in a rule, whatever it names.
    if (row) out.userFields = Object.fromEntries(Object.entries(row).filter(([k]) => !PRIVATE_COLUMNS.has(k)));
  }
  if (wants.role && accountability.role) {
    const row = await findRoleById(db.kysely, accountability.role);
    if (row) out.roleFields = { ...row };
  }
  return out;
}

/** What a user who must still set up 2FA may reach: their own row and the setup routes. */
const TFA_SETUP_ROUTES = new Set(['GET /users/me', 'POST /users/me/tfa/generate', 'POST /users/me/tfa/enable']);

async function authenticate(app: FastifyInstance, opts: AuthenticateOptions): Promise<void> {
  const policyFor = createPolicyCache(opts.db);
  app.decorateRequest('accountability', null as unknown as Accountability);
  app.decorateRequest('policy', null as unknown as AccessPolicy);
  app.decorateRequest('variableFields', null);
  app.decorateRequest('usherState', null);
  app.decorateRequest('usherDb', null);
  app.addHook('onRequest', async (request) => {
    request.usherDb = opts.db;
    const accountability = await resolveAccountability(opts, request);
    if (accountability.tfaSetupRequired && !TFA_SETUP_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) {
      throw errors.forbidden({ reason: 'Two-factor authentication is required for your role; set it up first' });
    }
    request.accountability = accountability;
    request.policy = await policyFor(request, accountability);
    request.variableFields = await variableFields(opts.db, accountability, request.policy);
  });
}

export const authenticatePlugin = fp(authenticate, { name: 'usher-authenticate' });
