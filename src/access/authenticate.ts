// Works out who is calling from the credential the request carries (reference §2.1), checks the
// role's IP allow-list, and works out what they may do. Every credential is checked against the
// database on every request, in one indexed query: a suspended, archived or deleted user, an ended
// session or a changed role takes effect on the very next request, whichever Usher process made
// the change.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { toBool } from '../db/index.js';
import { sha256 } from '../util/crypto.js';
import { nowIso } from '../util/time.js';
import { findAuthUserBySession, findAuthUserByTokenHash, type AuthUser } from '../modules/users/users.repository.js';
import { rulesForRole } from '../modules/permissions/permissions.repository.js';
import { looksLikeJwt, verifyAccessToken } from '../modules/auth/access-token.js';
import { buildPolicy } from './policy.js';
import { PUBLIC_ACCOUNTABILITY, type AccessPolicy, type Accountability } from './types.js';

declare module 'fastify' {
  interface FastifyRequest {
    accountability: Accountability;
    policy: AccessPolicy;
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
    user = await findAuthUserBySession(opts.db.kysely, claims.session, nowIso());
    if (user && user.id !== claims.id) user = undefined;
    session = claims.session;
  } else {
    // Static tokens are stored as SHA-256; only an active user's token counts.
    user = await findAuthUserByTokenHash(opts.db.kysely, sha256(token));
  }
  if (!user || user.status !== 'active') throw errors.invalidCredentials();
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
 * The role's `ip_access` allow-list (comma-separated; empty lets every address in), compared as
 * Directus does: the exact address. An IPv4-mapped IPv6 address counts as the IPv4 address it
 * carries, so `::ffff:10.0.0.1` can neither slip past nor be shut out of a list naming `10.0.0.1`.
 */
export function ipAllowed(ipAccess: string | null, ip: string | null): boolean {
  const list = (ipAccess ?? '').split(',').map(normaliseIp).filter(Boolean);
  return list.length === 0 || (ip !== null && list.includes(normaliseIp(ip)));
}

function normaliseIp(ip: string): string {
  return ip.trim().toLowerCase().replace(/^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/, '$1');
}

/** What a user who must still set up 2FA may reach: their own row and the setup routes. */
const TFA_SETUP_ROUTES = new Set(['GET /users/me', 'POST /users/me/tfa/generate', 'POST /users/me/tfa/enable']);

async function authenticate(app: FastifyInstance, opts: AuthenticateOptions): Promise<void> {
  app.decorateRequest('accountability', null as unknown as Accountability);
  app.decorateRequest('policy', null as unknown as AccessPolicy);
  app.addHook('onRequest', async (request) => {
    const accountability = await resolveAccountability(opts, request);
    if (accountability.tfaSetupRequired && !TFA_SETUP_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) {
      throw errors.forbidden({ reason: 'Two-factor authentication is required for your role; set it up first' });
    }
    request.accountability = accountability;
    request.policy = buildPolicy(accountability, accountability.admin ? [] : await rulesForRole(opts.db.kysely, accountability.role));
  });
}

export const authenticatePlugin = fp(authenticate, { name: 'usher-authenticate' });
