// The User Detail form: a user read from the API becomes form values, and the values that changed
// become the PATCH (or POST) payload. Empty text means "no value" (null), and an empty password
// field means "leave the password alone".
import type { User, UserStatus } from '../api/types';
import { roleId } from '../api/types';

export interface UserFormValues {
  first_name: string;
  last_name: string;
  email: string;
  password: string;
  location: string;
  title: string;
  description: string;
  tags: string[];
  avatar: string;
  language: string | null;
  appearance: string | null;
  theme_light: string;
  theme_dark: string;
  /** Theme overrides as JSON text (an object), empty for none. */
  theme_light_overrides: string;
  theme_dark_overrides: string;
  email_notifications: boolean;
  status: UserStatus;
  role: string | null;
  provider: string;
  external_identifier: string;
}

export const TEXT_FIELDS = [
  'first_name', 'last_name', 'email', 'location', 'title', 'description', 'avatar', 'theme_light', 'theme_dark', 'provider', 'external_identifier',
] as const;

export const JSON_FIELDS = ['theme_light_overrides', 'theme_dark_overrides'] as const;

export const PREFERENCE_FIELDS = ['language', 'appearance', 'theme_light', 'theme_dark', ...JSON_FIELDS, 'email_notifications'] as const;
export const ADMIN_ONLY_FIELDS = ['status', 'role', 'provider', 'external_identifier'] as const;

export function emptyUserValues(): UserFormValues {
  return {
    first_name: '', last_name: '', email: '', password: '', location: '', title: '', description: '', tags: [], avatar: '',
    language: null, appearance: null, theme_light: '', theme_dark: '', theme_light_overrides: '', theme_dark_overrides: '', email_notifications: true, status: 'active', role: null,
    provider: 'default', external_identifier: '',
  };
}

export function toFormValues(user: User): UserFormValues {
  const text = (v: string | null | undefined) => v ?? '';
  return {
    first_name: text(user.first_name),
    last_name: text(user.last_name),
    email: text(user.email),
    password: '',
    location: text(user.location),
    title: text(user.title),
    description: text(user.description),
    tags: Array.isArray(user.tags) ? user.tags.map(String) : [],
    avatar: text(user.avatar),
    language: user.language ?? null,
    appearance: user.appearance ?? null,
    theme_light: text(user.theme_light),
    theme_dark: text(user.theme_dark),
    theme_light_overrides: jsonText(user.theme_light_overrides),
    theme_dark_overrides: jsonText(user.theme_dark_overrides),
    email_notifications: user.email_notifications ?? true,
    status: user.status,
    role: roleId(user.role),
    provider: text(user.provider) || 'default',
    external_identifier: text(user.external_identifier),
  };
}

type Payload = Record<string, unknown>;

function jsonText(value: unknown): string {
  return value === null || value === undefined ? '' : JSON.stringify(value, null, 2);
}

/** A theme override must be a JSON object (or nothing). */
export function validateJsonObject(value: string): string | null {
  if (value.trim() === '') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return null;
  } catch {
    // fall through
  }
  return 'Enter a JSON object, like {"primary": "#6644ff"}, or leave it empty';
}

function outValue(field: keyof UserFormValues, value: UserFormValues[keyof UserFormValues]): unknown {
  if ((TEXT_FIELDS as readonly string[]).includes(field)) {
    const s = (value as string).trim();
    return s === '' ? null : s;
  }
  if (field === 'tags') return (value as string[]).length === 0 ? null : value;
  if ((JSON_FIELDS as readonly string[]).includes(field)) {
    const s = (value as string).trim();
    return s === '' ? null : (JSON.parse(s) as unknown);
  }
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The fields that differ from `initial` and that the caller may write. A new user (`initial` null)
 * sends every non-empty field.
 */
export function toPayload(values: UserFormValues, initial: UserFormValues | null, writable: (field: string) => boolean): Payload {
  const base = initial ?? emptyUserValues();
  const payload: Payload = {};
  for (const field of Object.keys(values) as (keyof UserFormValues)[]) {
    if (field === 'password') continue;
    if (!writable(field)) continue;
    const next = outValue(field, values[field]);
    if (initial === null) {
      if (next === null || (field === 'provider' && next === 'default') || (field === 'email_notifications' && next === true)) continue;
      payload[field] = next;
    } else if (!same(next, outValue(field, base[field]))) {
      payload[field] = next;
    }
  }
  if (values.password !== '' && writable('password')) payload.password = values.password;
  return payload;
}

export function validateEmail(value: string, required: boolean): string | null {
  const v = value.trim();
  if (v === '') return required ? 'Enter an email address; it is the only required field' : null;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : 'Enter a valid email address, like name@example.com';
}
