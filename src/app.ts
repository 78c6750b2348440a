// buildApp(config, deps) -> a Fastify instance. No I/O at import time; main.ts and the tests
// decide which database and logger to hand in.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyReply, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import type { Logger } from 'pino';
import { LazyChildLogger } from './logger.js';
import { lazySchemaCompilers } from './schema-compilers.js';
import type { Config } from './config.js';
import type { Db } from './db/index.js';
import { UsherError, errors, toEnvelope } from './errors.js';
import { parseQueryString } from './query/querystring.js';
import { authenticatePlugin } from './access/authenticate.js';
import { serverInfoRoutes, serverRoutes } from './modules/server/server.routes.js';
import { settingsRoutes } from './modules/settings/settings.routes.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { rolesRoutes } from './modules/roles/roles.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { tfaRoutes } from './modules/auth/tfa.routes.js';
import { invitesRoutes } from './modules/invites/invites.routes.js';
import { inviteAcceptRoutes } from './modules/invites/invite-accept.routes.js';
import { registerRoutes } from './modules/registration/register.routes.js';
import { activityRoutes } from './modules/activity/activity.routes.js';
import { permissionsRoutes } from './modules/permissions/permissions.routes.js';
import { appStaticRoutes } from './modules/app-static/app-static.js';
import { secretKey } from './modules/auth/access-token.js';
import { rateLimitsFrom, registerRateLimiter } from './modules/auth/rate-limits.js';
import type { AuthDeps } from './modules/auth/auth-deps.js';
import { createMailer, type Mailer } from './modules/mail/mailer.js';
import { refreshStatistics, type StatisticsMemo } from './db/statistics.js';
import { createMailQueue } from './modules/mail/mail-queue.js';
import { createResponseCache, type ResponseCache } from './modules/cache/response-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves once every mail queued so far has been sent (or has failed). */
    drainMail(): Promise<void>;
    /** The answers kept for reads of users, roles and permissions (null when RESPONSE_CACHE_ENABLED=false). */
    responseCache: ResponseCache | null;
  }
}

export interface AppDeps {
  db: Db;
  logger: Logger;
  /** Defaults to the transport EMAIL_TRANSPORT names. */
  mailer?: Mailer;
  /** The built admin App served at /admin; defaults to dist/app. */
  appDir?: string;
  /** Fastify's own schema compilers, which compile every route's schemas in ready(), instead of on first use (src/schema-compilers.ts); for a test that they all compile. */
  eagerSchemas?: boolean;
}

export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    // One line per request, written by the onResponse hook below without the query string.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings, options) => new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,128}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { querystringParser: parseQueryString },
    trustProxy: config.trustProxy,
    bodyLimit: 10 * 1024 * 1024,
    return503OnClosing: true,
    // The schemas are TypeBox's, valid by construction: checking each one against JSON Schema's
    // meta-schema made Ajv compile that meta-schema first, 7.5% of a cold start.
    ajv: { customOptions: { validateSchema: false } },
    // Each route's schemas compiled when it is first called (src/schema-compilers.ts).
    ...(deps.eagerSchemas ? {} : { schemaController: { compilersFactory: lazySchemaCompilers() } }),
    // A malformed URL (`/server/%zz`) answers in the Directus envelope like every other error.
    frameworkErrors: (error, _request, reply) => {
      const usherError = error.code === 'FST_ERR_BAD_URL' ? errors.routeNotFound('(malformed URL)') : toUsherError(error);
      void (reply as FastifyReply).code(usherError.status).type('application/json; charset=utf-8').send(toEnvelope(usherError));
    },
  });
  app.addHttpMethod('SEARCH', { hasBody: true });
  // The Directus SDK sends `Content-Type: application/json` with no body on DELETE /roles/:id and
  // friends; Directus takes that as no body, and so does Usher (Fastify would refuse it). Any other
  // JSON goes through Fastify's own parser, prototype-poisoning checks included.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return parseJson(request, body as string, done);
  });

  // Callback hooks, not async ones: they run on every request, and have nothing to wait for.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // The URL is logged without its query string: it may carry ?access_token=.
    if (deps.logger.isLevelEnabled('info')) {
      request.log.info(
        { method: request.method, path: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    }
    done();
  });

  app.setErrorHandler((error: FastifyError | UsherError, request, reply) => {
    const usherError = toUsherError(error);
    if (usherError.status >= 500) request.log.error({ err: error }, 'unexpected error');
    else request.log.debug({ code: usherError.code }, usherError.message);
    if (usherError.code === 'REQUESTS_EXCEEDED') reply.header('retry-after', String(usherError.extensions.reset ?? 60));
    return reply.code(usherError.status).type('application/json; charset=utf-8').send(toEnvelope(usherError));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = errors.routeNotFound(request.url.split('?')[0]!);
    return reply.code(404).send(toEnvelope(error));
  });

  const mailer = deps.mailer ?? createMailer(config, deps.logger);
  if (!deps.mailer) app.addHook('onClose', async () => mailer.close());
  keepStatisticsFresh(app, deps);
  const key = secretKey(config.secret);
  const mailQueue = createMailQueue(4, (err) => deps.logger.error({ err }, 'mail job failed'));
  // Queued mail goes out before the process exits (or the database closes under it).
  app.addHook('preClose', async () => mailQueue.drain());
  // Waits for the mail queued so far to be handed over: shutdown uses it, and so do tests that
  // check no mail was sent.
  app.decorate('drainMail', () => mailQueue.drain());
  const authDeps: AuthDeps = { db: deps.db, config, logger: deps.logger, mailer, mailQueue, key };

  await app.register(cookie);
  await registerRateLimiter(app, config);
  // Public routes: health, and /auth (which must work whatever stale credential a client sends).
  await app.register(serverRoutes, { db: deps.db });
  await app.register(serverInfoRoutes, { db: deps.db });
  const rateLimits = rateLimitsFrom(config);
  await app.register(authRoutes, { deps: authDeps, rateLimits });
  await app.register(inviteAcceptRoutes, { deps: authDeps, rateLimit: rateLimits.inviteAccept });
  await app.register(registerRoutes, { deps: authDeps, rateLimit: rateLimits.registration });
  // The admin App (/admin), public like the sign-in page it starts with.
  await app.register(appStaticRoutes, { root: deps.appDir });
  // Reads of users, roles and permissions, kept while the data they read is unchanged.
  const cache = config.cache.responses ? createResponseCache(config.cache.maxBytes) : null;
  app.decorate('responseCache', cache);
  // Everything below authenticates the caller first.
  await app.register(async (api) => {
    await api.register(authenticatePlugin, { db: deps.db, config, key });
    await api.register(usersRoutes, { db: deps.db, config, cache });
    await api.register(tfaRoutes, { deps: authDeps });
    await api.register(invitesRoutes, { deps: authDeps });
    await api.register(rolesRoutes, { db: deps.db, config, cache });
    await api.register(activityRoutes, { db: deps.db, config });
    await api.register(permissionsRoutes, { db: deps.db, config, cache });
    await api.register(settingsRoutes, { db: deps.db });
  });
  return app as unknown as FastifyInstance;
}

/**
 * Planner statistics (see db/statistics.ts), checked a moment after the server starts listening
 * (so the first answers do not wait behind an ANALYZE) and every five minutes after that.
 */
function keepStatisticsFresh(app: FastifyInstance, deps: AppDeps): void {
  let timer: NodeJS.Timeout | null = null;
  const memo: StatisticsMemo = new Map();
  const check = async () => {
    try {
      const analyzed = await refreshStatistics(deps.db, memo);
      if (analyzed.length > 0) deps.logger.info({ tables: analyzed }, 'planner statistics refreshed');
    } catch (err) {
      deps.logger.warn({ err }, 'planner statistics could not be refreshed');
    }
  };
  app.addHook('onListen', async () => {
    setTimeout(() => void check(), 2000).unref();
    timer = setInterval(() => void check(), 5 * 60_000).unref();
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
  });
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * A unique index refused a write that the services' own checks could not see coming (two requests
 * racing for one email, an external_identifier already taken): RECORD_NOT_UNIQUE, as Directus
 * answers, rather than a 500. SQLite says "UNIQUE constraint failed: table.column"; PostgreSQL gives
 * code 23505 with the table and "Key (column)=(...)".
 */
function uniqueViolation(error: unknown): { collection: string; field: string } | null {
  const e = error as { code?: unknown; message?: unknown; table?: unknown; detail?: unknown };
  let table: string | undefined;
  let column: string | undefined;
  if ((e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') && typeof e.message === 'string') {
    [, table, column] = /UNIQUE constraint failed: (\w+)\.(\w+)/.exec(e.message) ?? [];
  } else if (e?.code === '23505' && typeof e.table === 'string' && typeof e.detail === 'string') {
    table = e.table;
    column = /Key \((\w+)\)/.exec(e.detail)?.[1];
  }
  if (!table || !column || !table.startsWith('directus_')) return null;
  return { collection: table, field: column.replace(/_lower$/, '') };
}

/** Maps any thrown value to a Directus error; unknown ones become a generic 500. */
function toUsherError(error: unknown): UsherError {
  if (error instanceof UsherError) return error;
  const e = error as FastifyError;
  if (e?.validation) {
    const where = e.validationContext === 'querystring' ? 'query' : 'payload';
    const detail = e.validation[0];
    const path = detail?.instancePath ? detail.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
    const reason = path ? `"${path}" ${detail?.message ?? 'is invalid'}` : (detail?.message ?? 'is invalid');
    return where === 'query' ? errors.invalidQuery(reason) : errors.invalidPayload(reason);
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalidPayload('The request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new UsherError('CONTENT_TOO_LARGE', 'Uploaded content is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UsherError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type.');
  }
  if (e?.statusCode === 429) return errors.requestsExceeded(60);
  const unique = uniqueViolation(error);
  if (unique) return errors.notUnique(unique.collection, unique.field);
  // A backing service (Redis for rate limits, the database) that cannot be reached is a 503, as in
  // Directus, not an unexplained 500.
  if (UNREACHABLE.has(String((e as { code?: unknown })?.code)) || e?.name === 'MaxRetriesPerRequestError') {
    return errors.serviceUnavailable('backing service', 'It could not be reached; try again shortly');
  }
  // Anything else Fastify refuses as the client's fault (an aborted or malformed request) is a bad
  // payload, not a server error.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return errors.invalidPayload(e.message.replace(/\.$/, ''));
  }
  return errors.internal();
}
