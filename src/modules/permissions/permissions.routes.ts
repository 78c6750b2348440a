import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestVariables } from '../../access/context.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { errors } from '../../errors.js';
import { registerItemReadRoutes } from '../items.routes.js';
import { registerItemWriteRoutes } from '../items.write-routes.js';
import { permissionsWriter } from './permissions.write.js';
import { itemPermissions, permissionsOf } from './permissions-me.js';
import type { ResponseCache } from '../cache/response-cache.js';

export async function permissionsRoutes(app: FastifyInstance, opts: { db: Db; config: Config; cache: ResponseCache | null }): Promise<void> {
  const { db, config, cache } = opts;

  app.get('/permissions/me', async (request) => {
    if (!request.accountability.user) throw errors.forbidden();
    return { data: permissionsOf(request.policy) };
  });

  const item = async (request: FastifyRequest, collection: string, id?: string) => {
    if (!request.accountability.user) throw errors.forbidden();
    return { data: await itemPermissions(db, request.policy, requestVariables(request), collection, id) };
  };
  app.get('/permissions/me/:collection', async (request) => item(request, (request.params as { collection: string }).collection));
  app.get('/permissions/me/:collection/:id', async (request) => {
    const { collection, id } = request.params as { collection: string; id: string };
    return item(request, collection, id);
  });

  registerItemReadRoutes(app, { prefix: '/permissions', collection: 'directus_permissions', db, config, cache });
  registerItemWriteRoutes(app, { prefix: '/permissions', collection: 'directus_permissions', db, config, writer: permissionsWriter });
}
