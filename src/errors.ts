// The one error catalogue. Codes, statuses and messages follow Directus so existing clients keep
// working; the error handler in app.ts turns any UsherError into the Directus envelope.

export type ErrorCode =
  | 'FORBIDDEN'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_OTP'
  | 'TOKEN_EXPIRED'
  | 'INVALID_TOKEN'
  | 'USER_SUSPENDED'
  | 'INVALID_IP'
  | 'INVALID_PAYLOAD'
  | 'INVALID_QUERY'
  | 'FAILED_VALIDATION'
  | 'RECORD_NOT_UNIQUE'
  | 'INVALID_FOREIGN_KEY'
  | 'VALUE_TOO_LONG'
  | 'UNPROCESSABLE_CONTENT'
  | 'REQUESTS_EXCEEDED'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONTENT_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const STATUS: Record<ErrorCode, number> = {
  FORBIDDEN: 403,
  INVALID_CREDENTIALS: 401,
  INVALID_OTP: 401,
  TOKEN_EXPIRED: 401,
  INVALID_TOKEN: 403,
  USER_SUSPENDED: 401,
  INVALID_IP: 401,
  INVALID_PAYLOAD: 400,
  INVALID_QUERY: 400,
  FAILED_VALIDATION: 400,
  RECORD_NOT_UNIQUE: 400,
  INVALID_FOREIGN_KEY: 400,
  VALUE_TOO_LONG: 400,
  UNPROCESSABLE_CONTENT: 422,
  REQUESTS_EXCEEDED: 429,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONTENT_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

export class UsherError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'UsherError';
    this.status = STATUS[code];
  }
}

/** Throws `error()` unless `condition` holds; narrows the type like an assertion. */
export function assertThat(condition: unknown, error: () => UsherError): asserts condition {
  if (!condition) throw error();
}

export const errors = {
  forbidden: (extra: Record<string, unknown> = {}) => new UsherError('FORBIDDEN', "You don't have permission to access this.", extra),
  invalidCredentials: () => new UsherError('INVALID_CREDENTIALS', 'Invalid user credentials.'),
  invalidOtp: () => new UsherError('INVALID_OTP', 'Invalid user OTP.'),
  tokenExpired: () => new UsherError('TOKEN_EXPIRED', 'Token expired.'),
  invalidToken: () => new UsherError('INVALID_TOKEN', 'Invalid token.'),
  userSuspended: () => new UsherError('USER_SUSPENDED', 'User suspended.'),
  invalidIp: () => new UsherError('INVALID_IP', 'Invalid IP address.'),
  invalidPayload: (reason: string) => new UsherError('INVALID_PAYLOAD', `Invalid payload. ${reason}.`, { reason }),
  invalidQuery: (reason: string) => new UsherError('INVALID_QUERY', `Invalid query. ${reason}.`, { reason }),
  failedValidation: (field: string, type: string, detail: string, extra: Record<string, unknown> = {}) =>
    new UsherError('FAILED_VALIDATION', `Validation failed for field "${field}". ${detail}`, { field, type, ...extra }),
  notUnique: (collection: string, field: string) =>
    new UsherError('RECORD_NOT_UNIQUE', `Value for field "${field}" in collection "${collection}" has to be unique.`, {
      collection,
      field,
    }),
  invalidForeignKey: (collection: string, field: string) =>
    new UsherError('INVALID_FOREIGN_KEY', `Invalid foreign key for field "${field}" in collection "${collection}".`, {
      collection,
      field,
    }),
  valueTooLong: (collection: string, field: string) =>
    new UsherError('VALUE_TOO_LONG', `Value for field "${field}" in collection "${collection}" is too long.`, { collection, field }),
  unprocessable: (reason: string) => new UsherError('UNPROCESSABLE_CONTENT', `Can't process content. ${reason}.`, { reason }),
  requestsExceeded: (retryAfterSeconds: number) =>
    new UsherError('REQUESTS_EXCEEDED', `Too many requests, retry after ${retryAfterSeconds}s.`, {
      limit: undefined,
      reset: retryAfterSeconds,
    }),
  routeNotFound: (path: string) => new UsherError('ROUTE_NOT_FOUND', `Route ${path} doesn't exist.`, { path }),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new UsherError('METHOD_NOT_ALLOWED', `Invalid method "${method}" used. Should be one of ${allowed.join(', ')}.`, {
      allowed,
      current: method,
    }),
  serviceUnavailable: (service: string, reason: string) =>
    new UsherError('SERVICE_UNAVAILABLE', `Service "${service}" is unavailable. ${reason}.`, { service, reason }),
  internal: () => new UsherError('INTERNAL_SERVER_ERROR', 'An unexpected error occurred.'),
};

export interface ErrorEnvelope {
  errors: { message: string; extensions: Record<string, unknown> & { code: string } }[];
}

export function toEnvelope(error: UsherError): ErrorEnvelope {
  return { errors: [{ message: error.message, extensions: { ...error.extensions, code: error.code } }] };
}
