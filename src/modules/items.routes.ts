// The read routes every item collection shares: GET (list), SEARCH (list, query in the body) and
// GET /:id, all through the query language.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { queryContext } from '../access/context.js';
import { parseQuery } from '../query/parse.js';
import { readItems, readOne } from '../query/run.js';
import { IdParams, ItemResponse, ListResponse, SearchBody } from './common.schemas.js';
import { sendCachedRead, type ResponseCache } from './cache/response-cache.js';

export interface ItemRoutesOptions {
  prefix: string;
  collection: string;
  db: Db;
  config: Config;
  /** Where GET answers are kept (none: never); see cache/response-cache.ts. */
  cache?: ResponseCache | null;
}

export function registerItemReadRoutes(app: FastifyInstance, opts: ItemRoutesOptions): void {
  const { prefix, collection, db, config } = opts;
  const cache = opts.cache ?? null;

  app.get(prefix, { schema: { response: { 200: ListResponse } } }, async (request, reply) => {
    const query = parseQuery(request.query as Record<string, unknown>);
    return sendCachedRead(cache, collection, request, reply, query, () => readItems(queryContext(request, db, config), collection, query));
  });

  app.route({
    method: 'SEARCH',
    url: prefix,
    schema: { body: SearchBody, response: { 200: ListResponse } },
    handler: async (request) => {
      const body = request.body as { query?: Record<string, unknown> };
      const query = parseQuery({ ...(request.query as Record<string, unknown>), ...(body.query ?? {}) });
      return readItems(queryContext(request, db, config), collection, query);
    },
  });

  app.get(`${prefix}/:id`, { schema: { params: IdParams, response: { 200: ItemResponse } } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = parseQuery(request.query as Record<string, unknown>);
    return sendCachedRead(cache, collection, request, reply, query, async () => ({ data: await readOne(queryContext(request, db, config), collection, id, query) }));
  });
}
