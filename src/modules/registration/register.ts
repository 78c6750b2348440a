// POST /users/register and GET /users/register/verify-email (reference §3.4). Off unless the
// public_registration setting is on. Answers the same, in the same time, whether or not the email
// is already known; the verification mail goes to the stored address.
import { errors } from '../../errors.js';
import { hashPassword, newId, randomToken, sha256 } from '../../util/crypto.js';
import { isEmail, normaliseEmail } from '../../util/email.js';
import { nowIso } from '../../util/time.js';
import { isUrlAllowed } from '../../util/url-allow-list.js';
import { validatePayload } from '../../query/evaluate.js';
import { PUBLIC_ACCOUNTABILITY } from '../../access/types.js';
import { toBool } from '../../db/index.js';
import { readSettings } from '../settings/settings.repository.js';
import { assertPasswordPolicy } from '../settings/password-policy.js';
import { findUserByEmail, findUserById, insertUser, updateUserColumns } from '../users/users.repository.js';
import { consumeOneTimeToken, findOneTimeToken, replaceOneTimeToken } from '../tokens/one-time-tokens.repository.js';
import { recordActivity } from '../activity/activity.service.js';
import { projectInfo } from '../mail/project-info.js';
import { humanDuration } from '../auth/password-reset.js';
import type { AuthDeps } from '../auth/auth-deps.js';

export interface RegisterInput {
  email: string;
  password: string;
  verification_url?: string;
  first_name?: string;
  last_name?: string;
}

/** Checks that do not depend on who exists: they may answer at once. */
export async function assertRegistrationOpen(deps: AuthDeps, input: RegisterInput): Promise<void> {
  const settings = await readSettings(deps.db.kysely);
  if (!toBool(settings.public_registration)) throw errors.forbidden({ reason: 'Registration is disabled' });
  if (!isEmail(input.email)) throw errors.invalidPayload('"email" must be a valid email');
  if (input.password === '') throw errors.invalidPayload('"password" is not allowed to be empty');
  if (input.verification_url !== undefined && !isUrlAllowed(input.verification_url, deps.config.userRegisterUrlAllowList)) {
    throw errors.invalidPayload(`URL "${input.verification_url}" can't be used to verify registrations`);
  }
  const filter = settings.public_registration_email_filter ? safeJson(settings.public_registration_email_filter) : null;
  if (filter && validatePayload(filter, { email: input.email }) !== null) throw errors.forbidden({ reason: 'This email address may not register' });
  assertPasswordPolicy(settings.auth_password_policy, input.password);
  for (const f of ['first_name', 'last_name'] as const) {
    const v = input[f];
    if (v !== undefined && (typeof v !== 'string' || v.length > 50)) throw errors.failedValidation(f, 'max_length', 'Value has to be a string of at most 50 characters.');
  }
}

export async function register(deps: AuthDeps, input: RegisterInput, meta: { ip: string | null; userAgent: string | null }): Promise<void> {
  const settings = await readSettings(deps.db.kysely);
  const verify = toBool(settings.public_registration_verify_email);
  const existing = await findUserByEmail(deps.db.kysely, normaliseEmail(input.email));
  if (existing && existing.status !== 'unverified') return; // silently: no enumeration
  const now = nowIso();
  let userId = existing?.id;
  if (!userId) {
    userId = newId();
    const row = {
      id: userId,
      email: input.email.trim(),
      email_lower: normaliseEmail(input.email),
      password: await hashPassword(input.password),
      first_name: input.first_name ?? null,
      last_name: input.last_name ?? null,
      role: settings.public_registration_role,
      status: verify ? 'unverified' : 'active',
      provider: 'default',
    };
    await deps.db.kysely.transaction().execute(async (trx) => {
      await insertUser(trx, row);
      await recordActivity(trx, {
        action: 'create',
        accountability: { ...PUBLIC_ACCOUNTABILITY, ip: meta.ip, userAgent: meta.userAgent },
        collection: 'directus_users',
        item: row.id,
        timestamp: now,
        data: { ...row },
        delta: { ...row },
        comment: 'registered',
      });
    });
  }
  if (!verify) return;
  const token = randomToken(32);
  await replaceOneTimeToken(deps.db.kysely, {
    tokenHash: sha256(token),
    user: userId,
    purpose: 'registration',
    createdAt: now,
    createdBy: null,
    expires: new Date(Date.now() + deps.config.emailVerificationTokenTtlMs).toISOString(),
  });
  const stored = (await findUserById(deps.db.kysely, userId))!;
  const base = input.verification_url ?? `${deps.config.publicUrl}/users/register/verify-email`;
  const url = `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
  const project = projectInfo(settings, deps.config);
  deps.mailQueue.enqueue(() =>
    deps.mailer.send(
      {
        // The stored address, not the one in this request (Directus PR #28144).
        to: stored.email!,
        template: 'user-registration',
        subject: 'Verify your email address',
        data: { url, email: stored.email, first_name: stored.first_name, last_name: stored.last_name, expiresIn: humanDuration(deps.config.emailVerificationTokenTtlMs) },
      },
      project,
    ),
  );
}

/** Returns the verified user's id. */
export async function verifyRegistration(deps: AuthDeps, token: string, meta: { ip: string | null; userAgent: string | null }): Promise<string> {
  const tokenHash = sha256(token);
  const row = await findOneTimeToken(deps.db.kysely, tokenHash);
  if (!row || row.revoked_at || row.purpose !== 'registration') throw errors.invalidToken();
  if (row.expires <= nowIso()) throw errors.tokenExpired();
  const user = await findUserById(deps.db.kysely, row.user);
  if (row.used_at || !user || user.status !== 'unverified') throw errors.invalidPayload('Invalid verification code');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const now = nowIso();
    if (!(await consumeOneTimeToken(trx, tokenHash, now))) throw errors.invalidPayload('Invalid verification code');
    await updateUserColumns(trx, user.id, { status: 'active' });
    const after = await findUserById(trx, user.id);
    await recordActivity(trx, {
      action: 'update',
      accountability: { ...PUBLIC_ACCOUNTABILITY, user: user.id, ip: meta.ip, userAgent: meta.userAgent },
      collection: 'directus_users',
      item: user.id,
      timestamp: now,
      data: after ? { ...after } : null,
      delta: { status: 'active' },
      comment: 'status: unverified -> active',
    });
  });
  return user.id;
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
