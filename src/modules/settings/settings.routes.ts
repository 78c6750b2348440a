import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../db/index.js';
import { getSettings, patchSettings } from './settings.service.js';

export async function settingsRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const { db } = opts;
  app.get('/settings', async (request) => ({ data: await getSettings(db, request.policy) }));
  app.patch('/settings', { schema: { body: Type.Unknown() } }, async (request, reply) => {
    await patchSettings(db, request.accountability, request.policy, request.body);
    if (!request.policy.can('directus_settings', 'read')) return reply.code(204).send();
    return { data: await getSettings(db, request.policy) };
  });
}
