import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import type { Db } from '../../db/index.js';
import { errors } from '../../errors.js';
import { queryContext, requestVariables } from '../../access/context.js';
import { parseQuery } from '../../query/parse.js';
import { readItems } from '../../query/run.js';
import { IdParams, ItemResponse, itemsSerializerCompiler } from '../common.schemas.js';
import { registerItemReadRoutes } from '../items.routes.js';
import { prepareReadBack } from '../items.write-routes.js';
import { readMe } from './users.service.js';
import { createUsers, deleteUsers, updateUsers, type UserChange, type WriteContext } from './users.write.js';
import { isPlainObject } from './users.validate.js';
import { updateUserColumns } from './users.repository.js';
import { sendCachedRead, type ResponseCache } from '../cache/response-cache.js';

const AnyJson = Type.Unknown();

export async function usersRoutes(app: FastifyInstance, opts: { db: Db; config: Config; cache: ResponseCache | null }): Promise<void> {
  const { db, config, cache } = opts;
  const writeContext = (request: FastifyRequest): WriteContext => ({
    db,
    accountability: request.accountability,
    policy: request.policy,
    variables: requestVariables(request),
    maxBatch: config.maxBatchMutation,
  });

  /** The keys a `{query}` body selects, among the rows the caller can read. */
  async function keysByQuery(request: FastifyRequest, raw: unknown): Promise<string[]> {
    if (!isPlainObject(raw)) throw errors.invalidPayload('"query" must be an object');
    const query = { ...parseQuery(raw), fields: ['id'], limit: -1, offset: 0, page: null, meta: [] };
    const { data } = await readItems(queryContext(request, db, config), 'directus_users', query, { unlimited: true });
    return data.map((d) => d.id as string);
  }

  app.get('/users/me', { schema: { response: { 200: ItemResponse } }, serializerCompiler: itemsSerializerCompiler }, async (request, reply) => {
    const query = parseQuery(request.query as Record<string, unknown>);
    return sendCachedRead(cache, 'directus_users', request, reply, query, async () => ({
      data: await readMe(queryContext(request, db, config), request.accountability.user, query),
    }));
  });

  registerItemReadRoutes(app, { prefix: '/users', collection: 'directus_users', db, config, cache });

  app.post('/users', { schema: { body: AnyJson } }, async (request, reply) => {
    const body = request.body;
    const many = Array.isArray(body);
    if (!many && !isPlainObject(body)) throw errors.invalidPayload('Expected a user object or an array of users');
    const readBack = await prepareReadBack(request, db, config, 'directus_users');
    const keys = await createUsers(writeContext(request), many ? body : [body]);
    return readBack(reply, keys, !many);
  });

  app.patch('/users/me', { schema: { body: AnyJson } }, async (request, reply) => {
    const me = request.accountability.user;
    if (!me) throw errors.invalidCredentials();
    const readBack = await prepareReadBack(request, db, config, 'directus_users');
    await updateUsers(writeContext(request), [{ keys: [me], data: request.body }]);
    return readBack(reply, [me], true);
  });

  app.patch('/users/me/track/page', { schema: { body: AnyJson } }, async (request, reply) => {
    const me = request.accountability.user;
    if (!me) throw errors.invalidCredentials();
    const page = isPlainObject(request.body) ? request.body.last_page : undefined;
    if (typeof page !== 'string') throw errors.invalidPayload('"last_page" is required');
    if (page.length > 255) throw errors.valueTooLong('directus_users', 'last_page');
    await updateUserColumns(db.kysely, me, { last_page: page });
    return reply.code(204).send();
  });

  app.patch('/users', { schema: { body: AnyJson } }, async (request, reply) => {
    const body = request.body;
    const readBack = await prepareReadBack(request, db, config, 'directus_users');
    let changes: UserChange[];
    if (Array.isArray(body)) {
      changes = body.map((item) => {
        if (!isPlainObject(item) || typeof item.id !== 'string') throw errors.invalidPayload('Each item needs an "id"');
        const { id, ...data } = item;
        return { keys: [id as string], data };
      });
    } else if (isPlainObject(body) && body.keys !== undefined && body.query !== undefined) {
      throw errors.invalidPayload('"keys" and "query" are mutually exclusive');
    } else if (isPlainObject(body) && Array.isArray(body.keys)) {
      if (!body.keys.every((k) => typeof k === 'string')) throw errors.invalidPayload('"keys" must be an array of ids');
      changes = [{ keys: body.keys as string[], data: body.data }];
    } else if (isPlainObject(body) && body.query !== undefined) {
      changes = [{ keys: await keysByQuery(request, body.query), data: body.data }];
    } else {
      throw errors.invalidPayload('Expected an array of users, {keys, data} or {query, data}');
    }
    const keys = changes.some((c) => c.keys.length > 0) ? await updateUsers(writeContext(request), changes.filter((c) => c.keys.length > 0)) : [];
    if (keys.length === 0) return reply.code(204).send();
    return readBack(reply, keys, false);
  });

  app.patch('/users/:id', { schema: { params: IdParams, body: AnyJson } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const readBack = await prepareReadBack(request, db, config, 'directus_users');
    await updateUsers(writeContext(request), [{ keys: [id], data: request.body }]);
    return readBack(reply, [id], true);
  });

  app.delete('/users', { schema: { body: AnyJson } }, async (request, reply) => {
    const body = request.body;
    let keys: string[];
    if (Array.isArray(body)) keys = body as string[];
    else if (isPlainObject(body) && Array.isArray(body.keys)) keys = body.keys as string[];
    else if (isPlainObject(body) && body.query !== undefined) keys = await keysByQuery(request, body.query);
    else throw errors.invalidPayload('Expected an array of ids, {keys} or {query}');
    if (!keys.every((k) => typeof k === 'string')) throw errors.invalidPayload('Ids must be strings');
    await deleteUsers(writeContext(request), keys);
    return reply.code(204).send();
  });

  app.delete('/users/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    await deleteUsers(writeContext(request), [id]);
    return reply.code(204).send();
  });
}
