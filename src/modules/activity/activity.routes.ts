import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { registerItemReadRoutes } from '../items.routes.js';

/** The audit trail, read through the query language: admins see all, others what they did. */
export async function activityRoutes(app: FastifyInstance, opts: { db: Db; config: Config }): Promise<void> {
  registerItemReadRoutes(app, { prefix: '/activity', collection: 'directus_activity', db: opts.db, config: opts.config });
  registerItemReadRoutes(app, { prefix: '/revisions', collection: 'directus_revisions', db: opts.db, config: opts.config });
}
