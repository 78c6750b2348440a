// Works out who is calling from the credential the request carries (reference §2.1) and what
// they may do. Registered on the API's routes; public routes (/server/*) live in a sibling context.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../errors.js';
import type { Db } from '../db/index.js';
import { toBool } from '../db/index.js';
import { sha256 } from '../util/crypto.js';
import { findActiveUserByTokenHash } from '../modules/users/users.repository.js';
import { rulesForRole } from '../modules/permissions/permissions.repository.js';
import { buildPolicy } from './policy.js';
import { PUBLIC_ACCOUNTABILITY, type AccessPolicy, type Accountability } from './types.js';

declare module 'fastify' {
  interface FastifyRequest {
    accountability: Accountability;
    policy: AccessPolicy;
  }
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

export async function resolveAccountability(db: Db, request: FastifyRequest): Promise<Accountability> {
  const base = { ...PUBLIC_ACCOUNTABILITY, ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
  const token = extractToken(request);
  if (!token) return base;
  // Static token: only an active user's token counts (suspension refuses it on the next request).
  const owner = await findActiveUserByTokenHash(db.kysely, sha256(token));
  if (!owner) throw errors.invalidCredentials();
  return {
    ...base,
    user: owner.id,
    role: owner.role,
    admin: toBool(owner.admin_access),
    app: toBool(owner.app_access),
  };
}

async function authenticate(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  app.decorateRequest('accountability', null as unknown as Accountability);
  app.decorateRequest('policy', null as unknown as AccessPolicy);
  app.addHook('onRequest', async (request) => {
    const accountability = await resolveAccountability(opts.db, request);
    request.accountability = accountability;
    request.policy = buildPolicy(accountability, accountability.admin ? [] : await rulesForRole(opts.db.kysely, accountability.role));
  });
}

export const authenticatePlugin = fp(authenticate, { name: 'usher-authenticate' });
