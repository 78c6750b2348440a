// Per-IP rate limits on the routes that guess at secrets: sign-in, password reset, invitation
// accept and registration. Keyed on the client's address only: never on anything the client
// chooses in the body (a key with the email in it is one an attacker rotates at will).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { createRequire } from 'node:module';
import type { Redis as RedisClient } from 'ioredis';
import { errors } from '../../errors.js';
import type { Config } from '../../config.js';

export interface RouteLimit {
  max: number;
  timeWindow: number;
  keyGenerator: (request: FastifyRequest) => string;
}

/** `false` turns a limit off (RATE_LIMITER_*_ENABLED=false). */
export interface RateLimits {
  login: RouteLimit | false;
  password: RouteLimit | false;
  inviteAccept: RouteLimit | false;
  registration: RouteLimit | false;
}

const byIp = (request: FastifyRequest) => request.ip;

export function rateLimitsFrom(config: Config): RateLimits {
  const make = (l: { enabled: boolean; points: number; durationMs: number }): RouteLimit | false =>
    l.enabled ? { max: l.points, timeWindow: l.durationMs, keyGenerator: byIp } : false;
  return {
    login: make(config.rateLimits.login),
    password: make(config.rateLimits.password),
    inviteAccept: make(config.rateLimits.inviteAccept),
    registration: make(config.rateLimits.registration),
  };
}

/** Registers the limiter (routes opt in); in memory, or in Redis when REDIS is set. */
export async function registerRateLimiter(app: FastifyInstance, config: Config): Promise<void> {
  // Loaded only when REDIS is set: most installs never need it, and it costs start-up time.
  const redis: RedisClient | undefined = config.redis
    ? new (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis(config.redis, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true })
    : undefined;
  if (redis) app.addHook('onClose', async () => void redis.quit());
  await app.register(rateLimit, {
    global: false,
    redis,
    nameSpace: 'usher-rl-',
    skipOnError: false,
    errorResponseBuilder: (_request, context) => {
      const error = errors.requestsExceeded(Math.ceil(context.ttl / 1000));
      return Object.assign(error, { statusCode: 429 });
    },
  });
}
