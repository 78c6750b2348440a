// The session-cookie calls: sign in, refresh, sign out, and who am I.
import { api, get, post } from '../api/client';
import type { MyPermissions, ProjectInfo, RoleRef, User } from '../api/types';

export const ME_FIELDS = [
  'id', 'first_name', 'last_name', 'email', 'avatar', 'language', 'appearance', 'theme_light', 'theme_dark', 'tfa_secret', 'status',
  'role.id', 'role.name', 'role.icon', 'role.admin_access', 'role.app_access', 'role.enforce_tfa',
];

export type Me = Pick<User, 'id' | 'first_name' | 'last_name' | 'email' | 'avatar' | 'language' | 'appearance' | 'theme_light' | 'theme_dark' | 'tfa_secret' | 'status'> & {
  role: RoleRef | null;
};

/** Lifetime of the session in milliseconds, as the API reports it. */
export interface SessionGrant {
  expires: number;
}

export function login(email: string, password: string, otp?: string): Promise<SessionGrant> {
  return api<{ data: SessionGrant }>('/auth/login', {
    method: 'POST',
    body: { email, password, mode: 'session', ...(otp ? { otp } : {}) },
    public: true,
  }).then((r) => r.data);
}

export function refreshSession(): Promise<SessionGrant> {
  return api<{ data: SessionGrant }>('/auth/refresh', { method: 'POST', body: { mode: 'session' }, public: true }).then((r) => r.data);
}

export function logout(): Promise<void> {
  return api<void>('/auth/logout', { method: 'POST', body: { mode: 'session' }, public: true }).catch(() => undefined);
}

export function fetchMe(): Promise<Me> {
  return get<{ data: Me }>(`/users/me?fields=${ME_FIELDS.join(',')}`).then((r) => r.data);
}

export function fetchMyPermissions(): Promise<MyPermissions> {
  return get<{ data: MyPermissions }>('/permissions/me').then((r) => r.data);
}

export function fetchServerInfo(): Promise<ProjectInfo> {
  return api<{ data: { project: ProjectInfo } }>('/server/info', { public: true }).then((r) => r.data.project);
}

/** The mail's link is the server's own (PUBLIC_URL/admin/reset-password), so no reset_url is sent. */
export function requestPasswordReset(email: string): Promise<void> {
  return api<void>('/auth/password/request', { method: 'POST', body: { email }, public: true });
}

export function resetPassword(token: string, password: string): Promise<void> {
  return api<void>('/auth/password/reset', { method: 'POST', body: { token, password }, public: true });
}

export function inspectInvite(token: string): Promise<{ email: string; expires: string }> {
  return api<{ data: { email: string; expires: string } }>(`/users/invite/accept?token=${encodeURIComponent(token)}`, { public: true }).then((r) => r.data);
}

export function acceptInvite(token: string, password: string): Promise<void> {
  return api<void>('/users/invite/accept', { method: 'POST', body: { token, password }, public: true });
}

export function isTfaSetupRequired(me: Me): boolean {
  return !!me.role?.enforce_tfa && !me.tfa_secret;
}

export { post };
