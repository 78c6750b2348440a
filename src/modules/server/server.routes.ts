import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../db/index.js';

const Health = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('error')]) });

/** Public, unauthenticated: liveness and readiness for load balancers and orchestrators. */
export async function serverRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  app.get('/server/ping', { schema: { response: { 200: Type.String() } } }, async (_request, reply) => {
    reply.type('text/plain; charset=utf-8');
    return 'pong';
  });

  app.get('/server/health', { schema: { response: { 200: Health, 503: Health } } }, async (_request, reply) => {
    const ok = await opts.db.ping();
    reply.header('cache-control', 'no-cache').type('application/health+json; charset=utf-8');
    if (!ok) return reply.code(503).send({ status: 'error' });
    return { status: 'ok' };
  });
}
