import { forgetToken, readToken } from './session';

/** An admin API answer other than 2xx, with the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: string[] = [],
    /** The whole JSON body (e.g. `error`, an expression error's `line` and `column`, structured `details`). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type SignOutListener = (reason: string | null) => void;
const listeners = new Set<SignOutListener>();

/** Called with the reason when the session ends: sign-out, or the API refusing the token (401, 403). */
export function onSignOut(listener: SignOutListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function signOut(reason: string | null = null): void {
  forgetToken();
  for (const l of listeners) l(reason);
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`.trim();
  let details: string[] = [];
  let raw: Record<string, unknown> = {};
  try {
    const body = (await res.json()) as Record<string, unknown>;
    if (body && typeof body === 'object') raw = body;
    if (typeof body.message === 'string') message = body.message;
    if (Array.isArray(body.details))
      details = body.details.map((d) => (typeof d === 'string' ? d : JSON.stringify(d)));
  } catch {
    // Not JSON: the status line says it.
  }
  return new ApiError(res.status, message, details, raw);
}

/** One call to the admin API with the session's token, or with `token` (sign-in checks it before keeping it). */
export async function request(
  method: string,
  path: string,
  body?: unknown,
  given?: string,
): Promise<Response> {
  const token = given ?? readToken();
  if (!token) {
    signOut('Sign in to continue.');
    throw new ApiError(401, 'Not signed in');
  }
  const res = await fetch(`/admin/v1${path}`, {
    method,
    cache: 'no-store',
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.ok) return res;
  const error = await errorOf(res);
  if ((res.status === 401 || res.status === 403) && given === undefined) {
    const why =
      res.status === 401
        ? `The gateway refused the token: ${error.message}. Sign in again.`
        : `This token may not use the admin API: ${error.message}. Sign in with an admin token.`;
    signOut(why);
  }
  throw error;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body);
export const patch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, body);
export const del = <T = void>(path: string) => api<T>('DELETE', path);

/** A query string of the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return [err.message, ...err.details].join(' · ');
  if (err instanceof Error) return err.message;
  return String(err);
}
