import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { QueryContext } from '../query/run.js';
import type { Variables } from '../query/variables.js';

/** The query engine's view of one request: the database, the caller's rights and variables. */
export function queryContext(request: FastifyRequest, db: Db, config: Config): QueryContext {
  return {
    db,
    access: request.policy,
    variables: requestVariables(request),
    limits: { default: config.query.limitDefault, max: config.query.limitMax },
  };
}

/** $CURRENT_USER, $CURRENT_ROLE and $NOW for this request, with the rows the rules' dotted forms need. */
export function requestVariables(request: FastifyRequest): Variables {
  const { user, role } = request.accountability;
  return { user, role, now: new Date(), ...(request.variableFields ?? {}) };
}
