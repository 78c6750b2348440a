import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { QueryContext } from '../query/run.js';

/** The query engine's view of one request: the database, the caller's rights and variables. */
export function queryContext(request: FastifyRequest, db: Db, config: Config): QueryContext {
  return {
    db,
    access: request.policy,
    variables: { user: request.accountability.user, role: request.accountability.role, now: new Date() },
    limits: { default: config.query.limitDefault, max: config.query.limitMax },
  };
}
