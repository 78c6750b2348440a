import { del, get, patch, post } from '../api/client';
import { toQueryString, type ListResponse } from '../api/query';
import type { Activity, InviteResult, InviteStatus, User } from '../api/types';
import { buildUsersQuery, type ListState } from './list-state';

export type UserRow = Pick<User, 'id' | 'first_name' | 'last_name' | 'email' | 'avatar' | 'status' | 'last_access'> & {
  role: { id: string; name: string } | null;
};

export function listUsers(state: ListState, signal?: AbortSignal): Promise<ListResponse<UserRow>> {
  return get<ListResponse<UserRow>>(`/users${toQueryString(buildUsersQuery(state))}`, signal);
}

export const DETAIL_FIELDS = ['*', 'role.id', 'role.name', 'role.admin_access'];

export function getUser(id: string): Promise<User> {
  return get<{ data: User }>(`/users/${encodeURIComponent(id)}?fields=${DETAIL_FIELDS.join(',')}`).then((r) => r.data);
}

export function createUser(values: Partial<User>): Promise<User | undefined> {
  return post<{ data: User } | undefined>(`/users?fields=id`, values).then((r) => r?.data);
}

export function updateUser(id: string, values: Partial<User> & { password?: string | null; token?: string | null }): Promise<User | undefined> {
  return patch<{ data: User } | undefined>(`/users/${encodeURIComponent(id)}?fields=${DETAIL_FIELDS.join(',')}`, values).then((r) => r?.data);
}

export function deleteUsers(ids: string[]): Promise<void> {
  return del<void>('/users', ids);
}

export function inviteUsers(emails: string | string[], role: string): Promise<InviteResult[]> {
  return post<{ data: InviteResult[] }>('/users/invite', { email: emails, role }).then((r) => r.data);
}

export function getInvite(id: string): Promise<InviteStatus | null> {
  return get<{ data: InviteStatus | null }>(`/users/${encodeURIComponent(id)}/invite`).then((r) => r.data);
}

export function revokeInvite(id: string): Promise<void> {
  return del<void>(`/users/${encodeURIComponent(id)}/invite`);
}

export function resetUserTfa(id: string): Promise<void> {
  return post<void>(`/users/${encodeURIComponent(id)}/tfa/disable`, {});
}

export function disableOwnTfa(otp: string): Promise<void> {
  return post<void>('/users/me/tfa/disable', { otp });
}

/** What happened to this user, and what they did: newest first. */
export function userActivity(id: string, limit = 10): Promise<Activity[]> {
  const filter = { _or: [{ _and: [{ collection: { _eq: 'directus_users' } }, { item: { _eq: id } }] }, { user: { _eq: id } }] };
  const query = toQueryString({
    fields: ['id', 'action', 'timestamp', 'collection', 'item', 'comment', 'ip', 'user.id', 'user.email', 'user.first_name', 'user.last_name'],
    filter,
    sort: ['-timestamp', '-id'],
    limit,
  });
  return get<ListResponse<Activity>>(`/activity${query}`).then((r) => r.data);
}

/** A few users for a picker: by name or email, via the API's search. */
export function searchUsers(search: string, excludeRole?: string): Promise<UserRow[]> {
  const query = toQueryString({
    fields: ['id', 'first_name', 'last_name', 'email', 'status', 'role.id', 'role.name'],
    search: search || null,
    filter: excludeRole ? { _or: [{ role: { _neq: excludeRole } }, { role: { _null: true } }] } : null,
    sort: ['email'],
    limit: 20,
  });
  return get<ListResponse<UserRow>>(`/users${query}`).then((r) => r.data);
}
