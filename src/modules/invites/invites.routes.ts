import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors } from '../../errors.js';
import { nowIso } from '../../util/time.js';
import { IdParams } from '../common.schemas.js';
import { requireString } from '../auth/auth.input.js';
import { latestOneTimeToken, revokeOneTimeTokens } from '../tokens/one-time-tokens.repository.js';
import { findUserById } from '../users/users.repository.js';
import { inviteUsers } from './invite.js';
import type { AuthDeps } from '../auth/auth-deps.js';

const InviteResults = Type.Object({
  data: Type.Array(
    Type.Object({ email: Type.String(), result: Type.Union([Type.Literal('invited'), Type.Literal('resent'), Type.Literal('skipped')]), reason: Type.Optional(Type.String()) }),
  ),
});

const InviteStatus = Type.Object({
  data: Type.Union([
    Type.Null(),
    Type.Object({
      status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('revoked'), Type.Literal('expired')]),
      invited_at: Type.String(),
      invited_by: Type.Union([Type.String(), Type.Null()]),
      expires: Type.String(),
      delivery: Type.String(),
      delivered_at: Type.Union([Type.String(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
    }),
  ]),
});

/** Authenticated invitation routes: invite, and the admin's view and revocation of an invitation. */
export async function invitesRoutes(app: FastifyInstance, opts: { deps: AuthDeps }): Promise<void> {
  const { deps } = opts;

  app.post('/users/invite', { schema: { body: Type.Unknown(), response: { 200: InviteResults } } }, async (request) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.invalidPayload('Expected {email, role, invite_url?}');
    return { data: await inviteUsers(deps, request.accountability, body as { email: unknown; role: unknown; invite_url?: unknown }) };
  });

  app.get('/users/:id/invite', { schema: { params: IdParams, response: { 200: InviteStatus } } }, async (request) => {
    if (!request.accountability.admin) throw errors.forbidden();
    const { id } = request.params as { id: string };
    if (!(await findUserById(deps.db.kysely, id))) throw errors.forbidden();
    const row = await latestOneTimeToken(deps.db.kysely, id, 'invite');
    if (!row) return { data: null };
    const data = row.data ? (JSON.parse(row.data) as Record<string, unknown>) : {};
    const status = row.used_at ? 'accepted' : row.revoked_at ? 'revoked' : row.expires <= nowIso() ? 'expired' : 'pending';
    return {
      data: {
        status,
        invited_at: row.created_at,
        invited_by: row.created_by,
        expires: row.expires,
        delivery: String(data.delivery ?? 'unknown'),
        delivered_at: (data.delivered_at as string | null) ?? null,
        error: (data.error as string | null) ?? null,
      },
    };
  });

  app.delete('/users/:id/invite', { schema: { params: IdParams } }, async (request, reply) => {
    if (!request.accountability.admin) throw errors.forbidden();
    const { id } = request.params as { id: string };
    if (!(await findUserById(deps.db.kysely, id))) throw errors.forbidden();
    await revokeOneTimeTokens(deps.db.kysely, id, 'invite', nowIso());
    return reply.code(204).send();
  });
}

