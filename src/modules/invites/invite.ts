// POST /users/invite: one email, an array, or a comma-separated string (what the App's modal
// sends). New addresses become invited users; invited ones get a fresh link (older links die) and
// the new role; anyone else is skipped. Mail goes out after the commit, in the background, and
// its delivery is recorded on the invitation for admins to see.
import { errors } from '../../errors.js';
import { newId, randomToken, sha256 } from '../../util/crypto.js';
import { isEmail, normaliseEmail } from '../../util/email.js';
import { nowIso } from '../../util/time.js';
import { isUrlAllowed } from '../../util/url-allow-list.js';
import type { Accountability } from '../../access/types.js';
import { existingRoleIds } from '../roles/roles.repository.js';
import { findUsersByIds, insertUsers, updateUsersColumns } from '../users/users.repository.js';
import type { UserRow } from '../../db/schema.js';
import { insertOneTimeTokens, revokeOneTimeTokensOfUsers, setOneTimeTokenData } from '../tokens/one-time-tokens.repository.js';
import { recordActivities } from '../activity/activity.service.js';
import { readSettings } from '../settings/settings.repository.js';
import { projectInfo } from '../mail/project-info.js';
import { humanDuration } from '../auth/password-reset.js';
import type { AuthDeps } from '../auth/auth-deps.js';

export interface InviteResult {
  email: string;
  result: 'invited' | 'resent' | 'skipped';
  reason?: string;
}

export interface InviteInput {
  email: unknown;
  role: unknown;
  invite_url?: unknown;
}

/** Splits what the client sent into distinct addresses (case-insensitively), or says which is bad. */
export function parseInviteEmails(value: unknown): string[] {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => {
    if (typeof v !== 'string') throw errors.failedValidation('email', 'email', 'Value has to be an email address or a list of them.');
    return v.split(',');
  });
  const seen = new Map<string, string>();
  for (const raw of parts) {
    const email = raw.trim();
    if (email === '') continue;
    if (!isEmail(email)) throw errors.failedValidation('email', 'email', `"${email}" is not a valid email address.`, { invalid: email });
    if (!seen.has(normaliseEmail(email))) seen.set(normaliseEmail(email), email);
  }
  if (seen.size === 0) throw errors.failedValidation('email', 'required', 'At least one email address is required.');
  return [...seen.values()];
}

export async function inviteUsers(deps: AuthDeps, accountability: Accountability, input: InviteInput): Promise<InviteResult[]> {
  if (!accountability.admin) throw errors.forbidden({ reason: 'Only admins may invite users' });
  const emails = parseInviteEmails(input.email);
  if (typeof input.role !== 'string') throw errors.failedValidation('role', 'required', 'Value is required.');
  const role = input.role.toLowerCase();
  if (!(await existingRoleIds(deps.db.kysely, [role])).has(role)) throw errors.invalidForeignKey('directus_users', 'role');
  let inviteUrl: string | undefined;
  if (input.invite_url !== undefined && input.invite_url !== null) {
    if (typeof input.invite_url !== 'string' || !isUrlAllowed(input.invite_url, deps.config.userInviteUrlAllowList)) {
      throw errors.invalidPayload(`URL "${String(input.invite_url)}" can't be used to invite users`);
    }
    inviteUrl = input.invite_url;
  }

  const now = nowIso();
  const expires = new Date(Date.now() + deps.config.userInviteTokenTtlMs).toISOString();
  const results: InviteResult[] = [];
  const mails: { userId: string; email: string; token: string }[] = [];
  await deps.db.kysely.transaction().execute(async (trx) => {
    const existing = new Map<string, { id: string; email: string | null; status: string; role: string | null }>();
    const lowered = emails.map(normaliseEmail);
    for (let i = 0; i < lowered.length; i += 500) {
      const rows = await trx
        .selectFrom('directus_users')
        .select(['id', 'email', 'status', 'role', 'email_lower'])
        .where('email_lower', 'in', lowered.slice(i, i + 500))
        .execute();
      for (const r of rows) existing.set(r.email_lower!, r);
    }
    const created: string[] = [];
    const resent: string[] = [];
    for (const email of emails) {
      const found = existing.get(normaliseEmail(email));
      if (!found) {
        const id = newId();
        created.push(id);
        mails.push({ userId: id, email, token: randomToken(32) });
        results.push({ email, result: 'invited' });
      } else if (found.status === 'invited') {
        resent.push(found.id);
        // To the stored address: the local part of an address may be case-sensitive.
        mails.push({ userId: found.id, email: found.email ?? email, token: randomToken(32) });
        results.push({ email, result: 'resent' });
      } else {
        results.push({ email, result: 'skipped', reason: `already ${found.status === 'active' ? 'an active user' : `a user with status "${found.status}"`}` });
      }
    }
    const byId = new Map(mails.map((m) => [m.userId, m.email]));
    await insertUsers(trx, created.map((id) => ({ id, email: byId.get(id)!, email_lower: normaliseEmail(byId.get(id)!), role, status: 'invited', provider: 'default' })));
    if (resent.length > 0) {
      await updateUsersColumns(trx, resent, { role });
      // A fresh link replaces the old ones: an earlier mail's link stops working.
      await revokeOneTimeTokensOfUsers(trx, resent, 'invite', now);
    }
    await insertOneTimeTokens(
      trx,
      mails.map((m) => ({
        tokenHash: sha256(m.token),
        user: m.userId,
        purpose: 'invite' as const,
        createdAt: now,
        createdBy: accountability.user,
        expires,
        data: { delivery: 'queued', invite_url: inviteUrl ?? null },
      })),
    );
    // Each invitation is logged with a revision: the user as it now is, and what changed (the
    // whole row for a new user, the role for a re-invited one).
    const after = new Map<string, UserRow>();
    for (let i = 0; i < mails.length; i += 500) {
      for (const row of await findUsersByIds(trx, mails.slice(i, i + 500).map((m) => m.userId))) after.set(row.id, row);
    }
    const isNew = new Set(created);
    await recordActivities(
      trx,
      mails.map((m) => {
        const row = after.get(m.userId)!;
        return {
          action: 'invite' as const,
          accountability,
          collection: 'directus_users',
          item: m.userId,
          timestamp: now,
          comment: m.email,
          data: { ...row },
          delta: isNew.has(m.userId) ? { ...row } : { role: row.role },
        };
      }),
    );
  });

  if (mails.length > 0) await queueInviteMails(deps, mails, inviteUrl);
  return results;
}

async function queueInviteMails(deps: AuthDeps, mails: { userId: string; email: string; token: string }[], inviteUrl: string | undefined) {
  const settings = await readSettings(deps.db.kysely);
  const project = projectInfo(settings, deps.config);
  const base = inviteUrl ?? `${deps.config.publicUrl}/admin/accept-invite`;
  const expiresIn = humanDuration(deps.config.userInviteTokenTtlMs);
  for (const m of mails) {
    const url = `${base}${base.includes('?') ? '&' : '?'}token=${encodeURIComponent(m.token)}`;
    deps.mailQueue.enqueue(async () => {
      const outcome = await deps.mailer.send(
        { to: m.email, template: 'user-invitation', subject: "You've been invited", data: { url, email: m.email, expiresIn } },
        project,
      );
      await setOneTimeTokenData(deps.db.kysely, sha256(m.token), {
        delivery: outcome.ok ? 'sent' : 'failed',
        delivered_at: outcome.ok ? nowIso() : null,
        error: outcome.error ?? null,
        invite_url: inviteUrl ?? null,
      });
    });
  }
}
