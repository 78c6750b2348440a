import { del, get, patch, post } from '../api/client';
import { toQueryString, type ListResponse } from '../api/query';
import type { PermissionRow, Role } from '../api/types';

export const ROLE_FIELDS = ['id', 'name', 'icon', 'description', 'ip_access', 'enforce_tfa', 'admin_access', 'app_access'];

export function listRoles(): Promise<Role[]> {
  return get<ListResponse<Role>>(`/roles${toQueryString({ fields: ROLE_FIELDS, sort: ['name'], limit: -1 })}`).then((r) => r.data);
}

export function getRole(id: string): Promise<Role> {
  return get<{ data: Role }>(`/roles/${encodeURIComponent(id)}?fields=${ROLE_FIELDS.join(',')}`).then((r) => r.data);
}

export function createRole(values: Partial<Role>): Promise<Role> {
  return post<{ data: Role }>(`/roles?fields=${ROLE_FIELDS.join(',')}`, values).then((r) => r.data);
}

export function updateRole(id: string, values: Record<string, unknown>): Promise<Role | undefined> {
  return patch<{ data: Role } | undefined>(`/roles/${encodeURIComponent(id)}?fields=${ROLE_FIELDS.join(',')}`, values).then((r) => r?.data);
}

export function deleteRole(id: string): Promise<void> {
  return del<void>(`/roles/${encodeURIComponent(id)}`);
}

/** How many users a role has: one counting query, no rows. */
export function countUsersInRole(id: string | null): Promise<number> {
  const filter = id ? { role: { _eq: id } } : { role: { _null: true } };
  return get<ListResponse<unknown>>(`/users${toQueryString({ fields: ['id'], filter, limit: 0, meta: ['filter_count'] })}`).then(
    (r) => r.meta?.filter_count ?? 0,
  );
}

export function listPermissions(role: string): Promise<PermissionRow[]> {
  return get<ListResponse<PermissionRow>>(`/permissions${toQueryString({ filter: { role: { _eq: role } }, limit: -1, sort: ['id'] })}`).then((r) => r.data);
}

export function createPermission(row: Omit<PermissionRow, 'id'>): Promise<void> {
  return post<void>('/permissions', row);
}

export function updatePermission(id: number, row: Partial<PermissionRow>): Promise<void> {
  return patch<void>(`/permissions/${id}`, row);
}

export function deletePermission(id: number): Promise<void> {
  return del<void>(`/permissions/${id}`);
}
