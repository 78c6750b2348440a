// The Directus error envelope, read for people: what went wrong, where (the field), and what to do.

export interface EnvelopeError {
  message: string;
  extensions: { code: string; field?: string; reason?: string; [key: string]: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The field the API blamed (FAILED_VALIDATION, RECORD_NOT_UNIQUE, VALUE_TOO_LONG ...), if any. */
  get field(): string | null {
    return typeof this.extensions.field === 'string' ? this.extensions.field : null;
  }
}

/** Builds an ApiError from a response body that may or may not be an envelope. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const first = (body as { errors?: EnvelopeError[] } | null)?.errors?.[0];
  if (first && typeof first.message === 'string') {
    return new ApiError(status, first.extensions?.code ?? 'UNKNOWN', first.message, first.extensions ?? {});
  }
  return new ApiError(status, status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'UNKNOWN', `The server answered ${status}.`);
}

export const NETWORK_ERROR = 'NETWORK_ERROR';

/** One sentence a person can act on, for any failure. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return error instanceof Error ? `${error.message} Try again; if it keeps failing, reload the page.` : 'Something went wrong. Try again.';
  }
  switch (error.code) {
    case NETWORK_ERROR:
      return 'Usher could not be reached. Check your connection and that the server is running, then try again.';
    case 'FORBIDDEN':
      return typeof error.extensions.reason === 'string'
        ? `${error.extensions.reason}. Ask an admin if you need this.`
        : "You don't have permission to do this. Ask an admin if you need it.";
    case 'INVALID_CREDENTIALS':
      return 'Wrong email or password. Check both and try again, or reset your password.';
    case 'INVALID_OTP':
      return 'That code is not right. Enter the current code from your authenticator app, or a recovery code.';
    case 'USER_SUSPENDED':
      return 'This account is suspended. Ask an admin to reactivate it.';
    case 'INVALID_IP':
      return "Your role can't sign in from this network address. Ask an admin to allow it.";
    case 'REQUESTS_EXCEEDED':
      return `Too many attempts. Wait ${error.extensions.reset ?? 60} seconds, then try again.`;
    case 'RECORD_NOT_UNIQUE':
      return `${fieldLabel(error.field)} is already in use. Choose another one.`;
    case 'VALUE_TOO_LONG':
      return `${fieldLabel(error.field)} is too long. Shorten it and save again.`;
    case 'INVALID_FOREIGN_KEY':
      return `${fieldLabel(error.field)} points at something that does not exist (any more). Reload and pick again.`;
    case 'TOKEN_EXPIRED':
      return 'This link has expired. Ask for a new one.';
    case 'INVALID_TOKEN':
      return 'This link is not valid (any more). Ask for a new one.';
    case 'UNPROCESSABLE_CONTENT':
      return `${stripPrefix(error.message)}.`.replace(/\.\.$/, '.');
    case 'FAILED_VALIDATION':
      return `${stripPrefix(error.message)} Correct it and try again.`;
    case 'INVALID_PAYLOAD':
      return `${stripPrefix(error.message)} Correct it and try again.`;
    case 'SERVICE_UNAVAILABLE':
      return `${error.message} Try again in a moment.`;
    default:
      return error.status >= 500 ? 'The server had a problem. Try again; if it keeps failing, look at the server log.' : `${error.message} Try again.`;
  }
}

/** The message without Directus's "Invalid payload." / "Can't process content." prefixes. */
function stripPrefix(message: string): string {
  return message.replace(/^(Invalid payload\.|Can't process content\.|Invalid query\.)\s*/, '');
}

function fieldLabel(field: string | null): string {
  if (!field) return 'A value';
  const words = field.replace(/_/g, ' ');
  return `The ${words}`;
}

/** The message to show under the field the API blamed. */
export function fieldMessage(error: ApiError): string {
  switch (error.code) {
    case 'RECORD_NOT_UNIQUE':
      return 'Already in use; choose another one.';
    case 'VALUE_TOO_LONG':
      return 'Too long; shorten it.';
    case 'INVALID_FOREIGN_KEY':
      return 'Does not exist; pick another one.';
    default:
      return error.message.replace(/^Validation failed for field "[^"]+"\.\s*/, '');
  }
}
