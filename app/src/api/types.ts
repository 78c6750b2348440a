// The shapes the App reads from Usher's API (Directus 10 names).

export const USER_STATUSES = ['draft', 'invited', 'unverified', 'active', 'suspended', 'archived'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface RoleRef {
  id: string;
  name: string;
  icon?: string;
  admin_access?: boolean;
  app_access?: boolean;
  enforce_tfa?: boolean;
}

export interface User {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  /** Always masked when read: "**********" when set, null when not. */
  password?: string | null;
  location: string | null;
  title: string | null;
  description: string | null;
  tags: string[] | null;
  avatar: string | null;
  language: string | null;
  appearance: string | null;
  theme_light: string | null;
  theme_dark: string | null;
  theme_light_overrides?: Record<string, unknown> | null;
  theme_dark_overrides?: Record<string, unknown> | null;
  email_notifications: boolean | null;
  status: UserStatus;
  role: string | RoleRef | null;
  /** Masked like the password. */
  token?: string | null;
  tfa_secret?: string | null;
  last_access: string | null;
  last_page?: string | null;
  provider?: string | null;
  external_identifier?: string | null;
}

export interface Role {
  id: string;
  name: string;
  icon: string;
  description: string | null;
  ip_access: string[] | string | null;
  enforce_tfa: boolean;
  admin_access: boolean;
  app_access: boolean;
}

export type Action = 'create' | 'read' | 'update' | 'delete';

export interface ActionAccess {
  access: 'none' | 'partial' | 'full';
  fields?: string[];
}

export type MyPermissions = Record<string, Record<Action, ActionAccess>>;

export interface PermissionRow {
  id: number;
  role: string | null;
  collection: string;
  action: Action;
  permissions: Record<string, unknown> | null;
  validation: Record<string, unknown> | null;
  presets: Record<string, unknown> | null;
  fields: string[] | null;
}

export interface ProjectInfo {
  project_name: string;
  project_color: string;
  default_appearance: string;
  default_language: string;
  public_registration: boolean;
  auth_password_policy: string | null;
}

export interface Activity {
  id: number;
  action: string;
  timestamp: string;
  collection: string;
  item: string;
  comment: string | null;
  ip: string | null;
  user: { id: string; email: string | null; first_name: string | null; last_name: string | null } | null;
}

export interface InviteStatus {
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invited_at: string;
  invited_by: string | null;
  expires: string;
  delivery: string;
  delivered_at: string | null;
  error: string | null;
}

export interface InviteResult {
  email: string;
  result: 'invited' | 'resent' | 'skipped';
  reason?: string;
}

export function roleId(role: User['role']): string | null {
  return role === null ? null : typeof role === 'string' ? role : role.id;
}

export function displayName(user: Pick<User, 'first_name' | 'last_name' | 'email'>): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name || user.email || 'Unnamed user';
}

/** What the avatar's initials come from: the name, else the part of the email before the @. */
export function avatarName(user: Pick<User, 'first_name' | 'last_name' | 'email'>): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ');
  return name || (user.email ?? '?').split('@')[0]!;
}
