import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { queryContext } from '../../access/context.js';
import { parseQuery } from '../../query/parse.js';
import { ItemResponse } from '../common.schemas.js';
import { registerItemReadRoutes } from '../items.routes.js';
import { readMe } from './users.service.js';

export async function usersRoutes(app: FastifyInstance, opts: { db: Db; config: Config }): Promise<void> {
  const { db, config } = opts;

  app.get('/users/me', { schema: { response: { 200: ItemResponse } } }, async (request) => {
    const query = parseQuery(request.query as Record<string, unknown>);
    return { data: await readMe(queryContext(request, db, config), request.accountability.user, query) };
  });

  registerItemReadRoutes(app, { prefix: '/users', collection: 'directus_users', db, config });
}
