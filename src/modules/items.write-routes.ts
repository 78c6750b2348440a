// The write routes every item collection shares, in Directus's batch forms:
//   POST   /x        object or array
//   PATCH  /x        array of {pk, ...} | {keys, data} | {query, data}
//   PATCH  /x/:id
//   DELETE /x        array of keys | {keys} | {query}
//   DELETE /x/:id
// Each answers with the written rows read back through the query language (204 when the caller
// may not read them). The query is checked before the write.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { errors } from '../errors.js';
import type { AccessPolicy, Accountability } from '../access/types.js';
import { queryContext, requestVariables } from '../access/context.js';
import { parseQuery } from '../query/parse.js';
import { prepareKeyedRead, readItems } from '../query/run.js';
import { getCollection } from '../query/collections.js';
import type { Variables } from '../query/variables.js';

export type Key = string | number;

/**
 * The read-back of a write: the written rows as the caller may read them, or 204 when they may
 * not. The query is compiled and checked before the write (a bad `fields` must not answer 400 after
 * writing) and runs once after it.
 */
export async function prepareReadBack(request: FastifyRequest, db: Db, config: Config, collection: string) {
  const query = { ...parseQuery(request.query as Record<string, unknown>), limit: -1, offset: 0, page: null, meta: [] };
  let read: ((keys: Key[]) => Promise<{ data: Record<string, unknown>[] }>) | null;
  try {
    read = await prepareKeyedRead(queryContext(request, db, config), collection, query, { unlimited: true });
  } catch (err) {
    if ((err as { code?: unknown })?.code !== 'FORBIDDEN') throw err;
    read = null;
  }
  return async (reply: FastifyReply, keys: Key[], single: boolean) => {
    if (keys.length === 0 || read === null) return reply.code(204).send();
    const { data } = await read(keys).catch((err) => {
      if (err?.code === 'FORBIDDEN') return { data: [] };
      throw err;
    });
    if (data.length === 0) return reply.code(204).send();
    return { data: single ? data[0] : data };
  };
}

export interface ItemWriteContext {
  db: Db;
  accountability: Accountability;
  policy: AccessPolicy;
  variables: Variables;
  maxBatch: number;
}

export interface ItemChange {
  keys: Key[];
  data: unknown;
}

export interface ItemWriter {
  create(ctx: ItemWriteContext, payloads: unknown[]): Promise<Key[]>;
  update(ctx: ItemWriteContext, changes: ItemChange[]): Promise<Key[]>;
  remove(ctx: ItemWriteContext, keys: Key[]): Promise<void>;
}

export interface ItemWriteRoutesOptions {
  prefix: string;
  collection: string;
  db: Db;
  config: Config;
  writer: ItemWriter;
}

const AnyJson = Type.Unknown();

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function writeContextOf(request: FastifyRequest, db: Db, config: Config): ItemWriteContext {
  return {
    db,
    accountability: request.accountability,
    policy: request.policy,
    variables: requestVariables(request),
    maxBatch: config.maxBatchMutation,
  };
}

export function registerItemWriteRoutes(app: FastifyInstance, opts: ItemWriteRoutesOptions): void {
  const { prefix, collection, db, config, writer } = opts;
  const pk = getCollection(collection)!.primaryKey;
  const keyType = getCollection(collection)!.fields[pk]!.type;
  const parseKey = (raw: unknown): Key => {
    if (keyType === 'integer') {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) throw errors.forbidden();
      return n;
    }
    if (typeof raw !== 'string') throw errors.invalidPayload('Keys must be strings');
    return raw;
  };

  async function keysByQuery(request: FastifyRequest, raw: unknown): Promise<Key[]> {
    if (!isObject(raw)) throw errors.invalidPayload('"query" must be an object');
    const query = { ...parseQuery(raw), fields: [pk], limit: -1, offset: 0, page: null, meta: [] };
    const { data } = await readItems(queryContext(request, db, config), collection, query, { unlimited: true });
    return data.map((d) => d[pk] as Key);
  }

  app.post(prefix, { schema: { body: AnyJson } }, async (request, reply) => {
    const body = request.body;
    const many = Array.isArray(body);
    if (!many && !isObject(body)) throw errors.invalidPayload('Expected an object or an array of objects');
    const readBack = await prepareReadBack(request, db, config, collection);
    const keys = await writer.create(writeContextOf(request, db, config), many ? body : [body]);
    return readBack(reply, keys, !many);
  });

  app.patch(prefix, { schema: { body: AnyJson } }, async (request, reply) => {
    const body = request.body;
    const readBack = await prepareReadBack(request, db, config, collection);
    let changes: ItemChange[];
    if (Array.isArray(body)) {
      changes = body.map((item) => {
        if (!isObject(item) || item[pk] === undefined) throw errors.invalidPayload(`Each item needs its "${pk}"`);
        const { [pk]: key, ...data } = item;
        return { keys: [parseKey(key)], data };
      });
    } else if (isObject(body) && body.keys !== undefined && body.query !== undefined) {
      throw errors.invalidPayload('"keys" and "query" are mutually exclusive');
    } else if (isObject(body) && Array.isArray(body.keys)) {
      changes = [{ keys: body.keys.map(parseKey), data: body.data }];
    } else if (isObject(body) && body.query !== undefined) {
      changes = [{ keys: await keysByQuery(request, body.query), data: body.data }];
    } else {
      throw errors.invalidPayload('Expected an array of items, {keys, data} or {query, data}');
    }
    changes = changes.filter((c) => c.keys.length > 0);
    const keys = changes.length > 0 ? await writer.update(writeContextOf(request, db, config), changes) : [];
    return readBack(reply, keys, false);
  });

  app.patch(`${prefix}/:id`, { schema: { body: AnyJson } }, async (request, reply) => {
    const key = parseKey((request.params as { id: string }).id);
    const readBack = await prepareReadBack(request, db, config, collection);
    await writer.update(writeContextOf(request, db, config), [{ keys: [key], data: request.body }]);
    return readBack(reply, [key], true);
  });

  app.delete(prefix, { schema: { body: AnyJson } }, async (request, reply) => {
    const body = request.body;
    let keys: Key[];
    if (Array.isArray(body)) keys = body.map(parseKey);
    else if (isObject(body) && Array.isArray(body.keys)) keys = body.keys.map(parseKey);
    else if (isObject(body) && body.query !== undefined) keys = await keysByQuery(request, body.query);
    else throw errors.invalidPayload('Expected an array of keys, {keys} or {query}');
    await writer.remove(writeContextOf(request, db, config), keys);
    return reply.code(204).send();
  });

  app.delete(`${prefix}/:id`, async (request, reply) => {
    await writer.remove(writeContextOf(request, db, config), [parseKey((request.params as { id: string }).id)]);
    return reply.code(204).send();
  });
}
