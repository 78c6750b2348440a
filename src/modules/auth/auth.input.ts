// Payload checks for the /auth routes, with Directus's messages.
import { errors } from '../../errors.js';
import { isEmail } from '../../util/email.js';
import type { AuthMode } from './issue-tokens.js';

type Body = Record<string, unknown> | undefined | null;

const MODES = new Set(['json', 'cookie', 'session']);

export function requireString(body: Body, field: string): string {
  const v = body?.[field];
  if (v === undefined || v === null) throw errors.invalidPayload(`"${field}" is required`);
  if (typeof v !== 'string') throw errors.invalidPayload(`"${field}" must be a string`);
  return v;
}

export function optionalString(body: Body, field: string): string | undefined {
  const v = body?.[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw errors.invalidPayload(`"${field}" must be a string`);
  return v;
}

export function parseMode(body: Body, fallback: AuthMode): AuthMode {
  const v = body?.mode;
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !MODES.has(v)) throw errors.invalidPayload('"mode" must be one of [json, cookie, session]');
  return v as AuthMode;
}

export function parseLogin(body: Body): { email: string; password: string; otp?: string; mode: AuthMode } {
  const email = requireString(body, 'email');
  if (!isEmail(email)) throw errors.invalidPayload('"email" must be a valid email');
  const password = requireString(body, 'password');
  const otp = optionalString(body, 'otp');
  return { email, password, otp: otp || undefined, mode: parseMode(body, 'json') };
}
