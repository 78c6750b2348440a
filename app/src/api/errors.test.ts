import { describe, expect, it } from 'vitest';
import { ApiError, describeError, errorFromBody, fieldMessage, NETWORK_ERROR } from './errors';

const envelope = (code: string, message: string, extensions: Record<string, unknown> = {}) => ({ errors: [{ message, extensions: { code, ...extensions } }] });

describe('API errors for people', () => {
  it('reads the Directus envelope, field included', () => {
    const error = errorFromBody(400, envelope('RECORD_NOT_UNIQUE', 'Value for field "email" in collection "directus_users" has to be unique.', { field: 'email' }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('RECORD_NOT_UNIQUE');
    expect(error.field).toBe('email');
    expect(describeError(error)).toBe('The email is already in use. Choose another one.');
    expect(fieldMessage(error)).toBe('Already in use; choose another one.');
  });

  it('makes sense of a body that is not an envelope', () => {
    expect(errorFromBody(502, '<html>Bad gateway</html>').code).toBe('INTERNAL_SERVER_ERROR');
    expect(describeError(errorFromBody(502, null))).toMatch(/Try again/);
  });

  it('says what to do for each kind of failure', () => {
    expect(describeError(new ApiError(0, NETWORK_ERROR, 'x'))).toMatch(/could not be reached.*try again/);
    expect(describeError(new ApiError(403, 'FORBIDDEN', 'x'))).toMatch(/Ask an admin/);
    expect(describeError(new ApiError(403, 'FORBIDDEN', 'x', { reason: 'Only admins may invite users' }))).toBe('Only admins may invite users. Ask an admin if you need this.');
    expect(describeError(new ApiError(429, 'REQUESTS_EXCEEDED', 'x', { reset: 42 }))).toBe('Too many attempts. Wait 42 seconds, then try again.');
    expect(describeError(new ApiError(401, 'TOKEN_EXPIRED', 'x'))).toMatch(/Ask for a new one/);
    expect(describeError(new ApiError(400, 'INVALID_PAYLOAD', 'Invalid payload. "otp" is invalid.'))).toBe('"otp" is invalid. Correct it and try again.');
  });

  it('puts a validation message at its field without the field name prefix', () => {
    const error = errorFromBody(400, envelope('FAILED_VALIDATION', 'Validation failed for field "password". The password doesn\'t satisfy the password policy.', { field: 'password' }));
    expect(fieldMessage(error)).toBe("The password doesn't satisfy the password policy.");
  });
});
