// The one way the App talks to Usher: same origin, the session cookie, JSON in and out. Any 401 on
// an authenticated call means the session ended (signed out elsewhere, suspended, expired): the
// listener registered by the session provider sends the person back to the login page.
import { ApiError, NETWORK_ERROR, errorFromBody } from './errors';

type SessionEndedListener = (error: ApiError) => void;
let onSessionEnded: SessionEndedListener | null = null;

export function setSessionEndedListener(listener: SessionEndedListener | null): void {
  onSessionEnded = listener;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Public routes (login, reset, invite accept): a 401 there is an answer, not an ended session. */
  public?: boolean;
  signal?: AbortSignal;
}

export async function api<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, signal } = options;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if ((err as Error)?.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR, 'Usher could not be reached.');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const error = errorFromBody(response.status, parsed);
    if (response.status === 401 && !options.public) onSessionEnded?.(error);
    throw error;
  }
  return parsed as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>(path, { signal });
export const post = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body: body ?? {} });
export const patch = <T>(path: string, body: unknown) => api<T>(path, { method: 'PATCH', body });
export const del = <T>(path: string, body?: unknown) => api<T>(path, { method: 'DELETE', body });
