import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { errors } from '../../errors.js';
import { optionalString, requireString } from '../auth/auth.input.js';
import { stalled } from '../auth/stall.js';
import type { RouteLimit } from '../auth/rate-limits.js';
import type { AuthDeps } from '../auth/auth-deps.js';
import { assertRegistrationOpen, register, verifyRegistration } from './register.js';

/** Public routes: self-registration and its email verification. */
export async function registerRoutes(app: FastifyInstance, opts: { deps: AuthDeps; rateLimit: RouteLimit | false }): Promise<void> {
  const { deps, rateLimit } = opts;

  app.post('/users/register', { schema: { body: Type.Unknown() }, config: { rateLimit } }, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const input = {
      email: requireString(body, 'email'),
      password: requireString(body, 'password'),
      verification_url: optionalString(body, 'verification_url'),
      first_name: optionalString(body, 'first_name'),
      last_name: optionalString(body, 'last_name'),
    };
    await assertRegistrationOpen(deps, input);
    // Known or not, the answer is the same 204 after the same time.
    await stalled(deps.config.registerStallMs, async () => {
      try {
        await register(deps, input, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      } catch (err) {
        request.log.error({ err }, 'registration failed');
      }
    });
    return reply.code(204).send();
  });

  app.get('/users/register/verify-email', async (request, reply) => {
    const token = (request.query as Record<string, unknown>).token;
    // Redirects as Directus does (reference §3.4), under PUBLIC_URL: the App may not live at the
    // root of the host the API answers on.
    if (typeof token !== 'string' || token === '') return reply.redirect(`${deps.config.publicUrl}/admin/login`);
    if (token.length > 512) throw errors.invalidToken();
    const id = await verifyRegistration(deps, token, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
    return reply.redirect(`${deps.config.publicUrl}/admin/users/${encodeURIComponent(id)}`);
  });
}
