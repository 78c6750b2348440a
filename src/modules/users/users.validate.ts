// Checks a user payload field by field and turns it into column values. Runs before anything is
// written; the password is hashed later, once the caller's rights are known.
import { errors } from '../../errors.js';
import { collections } from '../../query/collections.js';
import { isEmail, normaliseEmail } from '../../util/email.js';
import { sha256 } from '../../util/crypto.js';
import { checkPasswordPolicy } from '../settings/password-policy.js';
import { MAX_LENGTH, MIN_TOKEN_LENGTH, READ_ONLY_FIELDS, USER_STATUSES } from './users.fields.js';
import type { UserRowUpdate } from '../../db/schema.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FIELDS = collections.directus_users!.fields;

export interface PreparedUser {
  /** Column values, without the password (see `password`). */
  row: UserRowUpdate & { id?: string };
  /** The API fields the payload names. */
  fields: Set<string>;
  /** The new password in clear, to hash after authorization; null clears it. */
  password?: string | null;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function prepareUser(payload: unknown, mode: 'create' | 'update', passwordPolicy: string | null): PreparedUser {
  if (!isPlainObject(payload)) throw errors.invalidPayload('A user must be an object');
  const prepared: PreparedUser = { row: {}, fields: new Set() };
  for (const [field, value] of Object.entries(payload)) {
    if (field === 'id') {
      if (mode === 'create') {
        if (typeof value !== 'string' || !UUID.test(value)) throw errors.failedValidation('id', 'uuid', 'Value has to be a valid UUID.');
        prepared.row.id = value.toLowerCase();
      }
      continue;
    }
    const def = Object.hasOwn(FIELDS, field) ? FIELDS[field] : undefined;
    if (!def || def.o2m) throw errors.invalidPayload(`"${field}" is not a field of "directus_users"`);
    if (field === 'tfa_secret') throw errors.invalidPayload(`You can't change the "tfa_secret" value manually`);
    if (READ_ONLY_FIELDS.has(field)) throw errors.invalidPayload(`"${field}" is managed by Usher and can't be set`);
    prepared.fields.add(field);
    setField(prepared, field, value, passwordPolicy);
  }
  if (mode === 'create' && !prepared.fields.has('email')) {
    throw errors.failedValidation('email', 'required', 'Value is required.');
  }
  return prepared;
}

function setField(prepared: PreparedUser, field: string, value: unknown, passwordPolicy: string | null): void {
  const row = prepared.row as Record<string, unknown>;
  const def = FIELDS[field]!;
  switch (field) {
    case 'email': {
      if (!isEmail(value)) throw errors.failedValidation('email', 'email', 'Value has to be a valid email address.');
      row.email = value.trim();
      row.email_lower = normaliseEmail(value);
      return;
    }
    case 'password': {
      if (value !== null && typeof value !== 'string') throw errors.failedValidation('password', 'string', 'Value has to be a string.');
      if (typeof value === 'string' && (value.length === 0 || !checkPasswordPolicy(passwordPolicy, value))) {
        // Never echo the password back (Directus puts it in `invalid`).
        throw errors.failedValidation('password', 'regex', "The password doesn't satisfy the password policy.");
      }
      prepared.password = value as string | null;
      return;
    }
    case 'token': {
      if (value === null) {
        row.token = null;
        return;
      }
      if (typeof value !== 'string' || value.length < MIN_TOKEN_LENGTH) {
        throw errors.failedValidation('token', 'min_length', `A static token must be a secure string of at least ${MIN_TOKEN_LENGTH} characters.`);
      }
      row.token = sha256(value);
      return;
    }
    case 'status': {
      if (typeof value !== 'string' || !(USER_STATUSES as readonly string[]).includes(value)) {
        throw errors.failedValidation('status', 'in', `Value has to be one of ${USER_STATUSES.join(', ')}.`, { valid: [...USER_STATUSES] });
      }
      row.status = value;
      return;
    }
  }
  switch (def.type) {
    case 'uuid':
      if (value !== null && (typeof value !== 'string' || !UUID.test(value))) throw errors.failedValidation(field, 'uuid', 'Value has to be a valid UUID.');
      row[field] = value === null ? null : (value as string).toLowerCase();
      return;
    case 'boolean':
      if (value !== null && typeof value !== 'boolean') throw errors.failedValidation(field, 'boolean', 'Value has to be true or false.');
      row[field] = value;
      return;
    case 'json':
      row[field] = value === null ? null : JSON.stringify(value);
      return;
    default:
      if (value !== null && typeof value !== 'string') throw errors.failedValidation(field, 'string', 'Value has to be a string.');
      if (field === 'provider' && value === null) throw errors.failedValidation(field, 'nnull', 'Value can\'t be null.');
      if (typeof value === 'string' && MAX_LENGTH[field] !== undefined && value.length > MAX_LENGTH[field]!) {
        throw errors.valueTooLong('directus_users', field);
      }
      row[field] = value;
  }
}
