// /users/me/tfa/* and the admin's /users/:id/tfa/disable. Registered with the authenticated routes.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../errors.js';
import { AnyBody, RecoveryCodesResponse, TfaSecretResponse } from './auth.schemas.js';
import { requireString } from './auth.input.js';
import { clearTfa, disableOwnTfa, enableTfa, generateTfa } from './tfa.js';
import { IdParams } from '../common.schemas.js';
import { findUserById } from '../users/users.repository.js';
import type { AuthDeps } from './auth-deps.js';

type Body = Record<string, unknown> | undefined;

export async function tfaRoutes(app: FastifyInstance, opts: { deps: AuthDeps }): Promise<void> {
  const { deps } = opts;
  const me = (userId: string | null): string => {
    if (!userId) throw errors.invalidCredentials();
    return userId;
  };

  app.post('/users/me/tfa/generate', { schema: { body: AnyBody, response: { 200: TfaSecretResponse } } }, async (request) => {
    const password = requireString(request.body as Body, 'password');
    return { data: await generateTfa(deps, me(request.accountability.user), password) };
  });

  app.post('/users/me/tfa/enable', { schema: { body: AnyBody, response: { 200: RecoveryCodesResponse } } }, async (request) => {
    const body = request.body as Body;
    return { data: await enableTfa(deps, me(request.accountability.user), requireString(body, 'secret'), requireString(body, 'otp')) };
  });

  app.post('/users/me/tfa/disable', { schema: { body: AnyBody } }, async (request, reply) => {
    await disableOwnTfa(deps, me(request.accountability.user), requireString(request.body as Body, 'otp'));
    return reply.code(204).send();
  });

  app.post('/users/:id/tfa/disable', { schema: { params: IdParams } }, async (request, reply) => {
    if (!request.accountability.admin) throw errors.forbidden();
    const { id } = request.params as { id: string };
    if (!(await findUserById(deps.db.kysely, id))) throw errors.forbidden();
    await clearTfa(deps, id);
    return reply.code(204).send();
  });
}
