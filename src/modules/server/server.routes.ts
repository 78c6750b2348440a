import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Db } from '../../db/index.js';
import { toBool } from '../../db/index.js';
import { readSettings } from '../settings/settings.repository.js';

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

const Info = Type.Object({
  data: Type.Object({
    project: Type.Object({
      project_name: Type.String(),
      project_color: Type.String(),
      project_logo: Type.Union([Type.String(), Type.Null()]),
      project_url: Type.Union([Type.String(), Type.Null()]),
      default_language: Type.String(),
      default_appearance: Type.String(),
      public_registration: Type.Boolean(),
      /** So that pages which set a password can say what it must look like, before anyone is signed in. */
      auth_password_policy: Type.Union([Type.String(), Type.Null()]),
    }),
  }),
});

/** Public: what a sign-in page needs to look like the project. Nothing about users. */
export async function serverInfoRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  app.get('/server/info', { schema: { response: { 200: Info } } }, async () => {
    const s = await readSettings(opts.db.kysely);
    return {
      data: {
        project: {
          project_name: s.project_name,
          project_color: s.project_color,
          project_logo: s.project_logo,
          project_url: s.project_url,
          default_language: s.default_language,
          default_appearance: s.default_appearance,
          public_registration: toBool(s.public_registration),
          auth_password_policy: s.auth_password_policy,
        },
      },
    };
  });
}
