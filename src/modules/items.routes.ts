// The read routes every item collection shares: GET (list), SEARCH (list, query in the body) and
// GET /:id, all through the query language.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { queryContext } from '../access/context.js';
import { parseQuery } from '../query/parse.js';
import { readItemsJson, readOne } from '../query/run.js';
import { IdParams, ItemResponse, itemsSerializerCompiler, ListResponse, SearchBody } from './common.schemas.js';
import { JSON_TYPE, sendCachedRead, type ResponseCache } from './cache/response-cache.js';

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

  app.get(prefix, { schema: { response: { 200: ListResponse } }, serializerCompiler: itemsSerializerCompiler }, async (request, reply) => {
    const query = parseQuery(request.query as Record<string, unknown>);
    return sendCachedRead(cache, collection, request, reply, query, () => readItemsJson(queryContext(request, db, config), collection, query));
  });

  app.route({
    method: 'SEARCH',
    url: prefix,
    schema: { body: SearchBody, response: { 200: ListResponse } },
    serializerCompiler: itemsSerializerCompiler,
    handler: async (request, reply) => {
      const body = request.body as { query?: Record<string, unknown> };
      const query = parseQuery({ ...(request.query as Record<string, unknown>), ...(body.query ?? {}) });
      return reply.type(JSON_TYPE).send(await readItemsJson(queryContext(request, db, config), collection, query));
    },
  });

  app.get(`${prefix}/:id`, { schema: { params: IdParams, response: { 200: ItemResponse } }, serializerCompiler: itemsSerializerCompiler }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const query = parseQuery(request.query as Record<string, unknown>);
    return sendCachedRead(cache, collection, request, reply, query, async () => ({ data: await readOne(queryContext(request, db, config), collection, id, query) }));
  });
}
