import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { registerItemReadRoutes } from '../items.routes.js';
import { registerItemWriteRoutes } from '../items.write-routes.js';
import { rolesWriter } from './roles.write.js';
import type { ResponseCache } from '../cache/response-cache.js';

export async function rolesRoutes(app: FastifyInstance, opts: { db: Db; config: Config; cache: ResponseCache | null }): Promise<void> {
  registerItemReadRoutes(app, { prefix: '/roles', collection: 'directus_roles', db: opts.db, config: opts.config, cache: opts.cache });
  registerItemWriteRoutes(app, { prefix: '/roles', collection: 'directus_roles', db: opts.db, config: opts.config, writer: rolesWriter });
}
