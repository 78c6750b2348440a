// Public: the invitee has no credential yet. Rate limited per IP.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors } from '../../errors.js';
import { requireString } from '../auth/auth.input.js';
import type { RouteLimit } from '../auth/rate-limits.js';
import { acceptInvite, inspectInvite } from './invite-accept.js';
import type { AuthDeps } from '../auth/auth-deps.js';

export async function inviteAcceptRoutes(app: FastifyInstance, opts: { deps: AuthDeps; rateLimit: RouteLimit | false }): Promise<void> {
  const { deps, rateLimit } = opts;

  app.get(
    '/users/invite/accept',
    { schema: { response: { 200: Type.Object({ data: Type.Object({ email: Type.String(), expires: Type.String() }) }) } }, config: { rateLimit } },
    async (request) => {
      const token = (request.query as Record<string, unknown>).token;
      if (typeof token !== 'string' || token === '') throw errors.invalidPayload('"token" is required');
      return { data: await inspectInvite(deps, token) };
    },
  );

  app.post('/users/invite/accept', { schema: { body: Type.Unknown() }, config: { rateLimit } }, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    await acceptInvite(deps, requireString(body, 'token'), requireString(body, 'password'), {
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    });
    return reply.code(204).send();
  });
}
