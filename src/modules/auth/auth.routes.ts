// /auth: sign-in, refresh, sign-out and password reset. These routes do not authenticate the
// caller, so a stale Authorization header cannot stop anyone from signing in again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { errors } from '../../errors.js';
import type { CookieConfig } from '../../config.js';
import { AnyBody, ProvidersResponse, TokensResponse } from './auth.schemas.js';
import { optionalString, parseLogin, parseMode, requireString } from './auth.input.js';
import { login } from './login.js';
import { refresh } from './refresh.js';
import { logout } from './logout.js';
import { assertResetUrlAllowed, requestPasswordReset, resetPassword } from './password-reset.js';
import { stalled } from './stall.js';
import type { AuthMode, IssuedTokens } from './issue-tokens.js';
import type { AuthDeps, RequestMeta } from './auth-deps.js';
import type { RateLimits } from './rate-limits.js';

type Body = Record<string, unknown> | undefined;

export async function authRoutes(app: FastifyInstance, opts: { deps: AuthDeps; rateLimits: RateLimits }): Promise<void> {
  const { deps, rateLimits } = opts;
  const { config } = deps;

  app.get('/auth', { schema: { response: { 200: ProvidersResponse } } }, async () => ({ data: [], disableDefault: false }));

  app.post('/auth/login', { schema: { body: AnyBody, response: { 200: TokensResponse } }, config: { rateLimit: rateLimits.login } }, async (request, reply) => {
    const input = parseLogin(request.body as Body);
    const tokens = await stalled(config.loginStallMs, () => login(deps, input, meta(request)));
    return sendTokens(reply, input.mode, tokens);
  });

  app.post('/auth/refresh', { schema: { body: AnyBody, response: { 200: TokensResponse } } }, async (request, reply) => {
    const body = request.body as Body;
    const mode = parseMode(body, body?.refresh_token ? 'json' : 'cookie');
    const tokens = await refresh(deps, mode, credentialFor(request, mode));
    return sendTokens(reply, mode, tokens);
  });

  app.post('/auth/logout', { schema: { body: AnyBody } }, async (request, reply) => {
    const body = request.body as Body;
    const mode = parseMode(body, body?.refresh_token ? 'json' : 'cookie');
    await logout(deps, mode, credentialFor(request, mode));
    clearCookie(reply, config.refreshCookie);
    clearCookie(reply, config.sessionCookie);
    return reply.code(204).send();
  });

  app.post('/auth/password/request', { schema: { body: AnyBody }, config: { rateLimit: rateLimits.password } }, async (request, reply) => {
    const body = request.body as Body;
    // The reset_url is checked first, for every caller, so its answer says nothing about the email.
    const resetUrl = optionalString(body, 'reset_url');
    assertResetUrlAllowed(deps, resetUrl);
    const email = requireString(body, 'email');
    await stalled(config.loginStallMs, async () => {
      try {
        await requestPasswordReset(deps, email, resetUrl, null);
      } catch (err) {
        request.log.error({ err }, 'password reset request failed');
      }
    });
    return reply.code(204).send();
  });

  app.post('/auth/password/reset', { schema: { body: AnyBody }, config: { rateLimit: rateLimits.password } }, async (request, reply) => {
    const body = request.body as Body;
    await resetPassword(deps, requireString(body, 'token'), requireString(body, 'password'));
    return reply.code(204).send();
  });

  function credentialFor(request: FastifyRequest, mode: AuthMode): string {
    const body = request.body as Body;
    const credential =
      mode === 'json'
        ? optionalString(body, 'refresh_token')
        : request.cookies[mode === 'cookie' ? config.refreshCookie.name : config.sessionCookie.name];
    if (!credential) throw errors.invalidPayload('The refresh token is required in either the payload or cookie');
    return credential;
  }

  function sendTokens(reply: FastifyReply, mode: AuthMode, tokens: IssuedTokens) {
    if (mode === 'json') return { data: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, expires: tokens.expires } };
    if (mode === 'cookie') {
      reply.setCookie(config.refreshCookie.name, tokens.refreshToken, cookieOptions(config.refreshCookie, config.refreshTokenTtlMs));
      return { data: { access_token: tokens.accessToken, expires: tokens.expires } };
    }
    reply.setCookie(config.sessionCookie.name, tokens.accessToken, cookieOptions(config.sessionCookie, config.sessionCookieTtlMs));
    return { data: { expires: tokens.expires } };
  }
}

function meta(request: FastifyRequest): RequestMeta {
  const origin = request.headers.origin;
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, origin: typeof origin === 'string' ? origin : null };
}

export function cookieOptions(cookie: CookieConfig, ttlMs: number): CookieSerializeOptions {
  return {
    httpOnly: true,
    path: '/',
    maxAge: Math.round(ttlMs / 1000),
    secure: cookie.secure,
    sameSite: cookie.sameSite,
    domain: cookie.domain,
  };
}

function clearCookie(reply: FastifyReply, cookie: CookieConfig): void {
  reply.clearCookie(cookie.name, { path: '/', domain: cookie.domain, secure: cookie.secure, sameSite: cookie.sameSite, httpOnly: true });
}
