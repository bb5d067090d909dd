// The client's only door to the bank: the public HTTP API, like any integrator.
//
// The access token lives in this module's memory only (never in storage a script could steal from
// later); the refresh token is an HttpOnly cookie scoped to /auth that no script can read. An
// expiring or rejected access token is renewed from that cookie once, and the request retried, so
// a member never notices.

import { withQuery } from './lib/url.js';

let accessToken = null;
let refreshTimer = null;
let refreshing = null;
let onSessionEnded = () => {};

/** A problem+json answer: `status`, stable `code`, human `title`/`detail`, and `fields` (field → message). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || 'error';
    this.title = problem.title || 'Something went wrong';
    this.detail = problem.detail || '';
    this.problem = problem;
    this.fields = Object.fromEntries((problem.errors || []).map((e) => [e.field, e.message]));
  }
}

/** Called with a reason when the session cannot be renewed (the UI goes back to the login page). */
export function whenSessionEnds(callback) {
  onSessionEnded = callback;
}

/** A fresh Idempotency-Key: one per submission, so a double click or a retry moves money once. */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function send(method, path, { body, idempotencyKey, headers = {}, accept = 'application/json' } = {}) {
  const all = { Accept: accept, ...headers };
  if (body !== undefined) all['Content-Type'] = 'application/json';
  if (accessToken) all.Authorization = `Bearer ${accessToken}`;
  if (idempotencyKey) all['Idempotency-Key'] = idempotencyKey;
  try {
    return await fetch(path, {
      method, headers: all, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin', cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { code: 'network_error', title: 'The bank cannot be reached', detail: 'Check your connection and try again.' });
  }
}

async function decode(response) {
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const payload = type.includes('json') ? await response.json().catch(() => ({})) : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof payload === 'object' ? payload : { detail: String(payload) });
  return payload;
}

/** Sends a request; on a 401 renews the access token once and retries. Returns the decoded body. */
export async function request(method, path, options = {}) {
  let response = await send(method, path, options);
  if (response.status === 401 && accessToken && !path.startsWith('/auth/')) {
    if (await renew()) response = await send(method, path, options);
  }
  if (response.status === 409 && options.idempotencyKey) {
    // The same submission is still being applied (a double click): ask again shortly for its answer.
    const problem = await response.clone().json().catch(() => ({}));
    if (problem.code === 'request_in_progress') {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return request(method, path, options);
    }
  }
  return options.raw ? response : decode(response);
}

export const get = (path, query) => request('GET', withQuery(path, query));
export const post = (path, body, options = {}) => request('POST', path, { ...options, body });
export const patch = (path, body) => request('PATCH', path, { body });


/** Downloads `path` (e.g. a CSV statement) with the bearer token, as a file named `filename`. */
export async function download(path, filename) {
  let response = await send('GET', path, { accept: 'text/csv' });
  if (response.status === 401 && (await renew())) response = await send('GET', path, { accept: 'text/csv' });
  if (!response.ok) return decode(response);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return null;
}

// MARK: - Sessions (cookie mode)

const COOKIE_MODE = { 'X-Refresh-Token-Mode': 'cookie' };

function adopt(session) {
  accessToken = session.access_token;
  clearTimeout(refreshTimer);
  // Renew a minute before the token expires, so requests rarely meet a 401 at all.
  refreshTimer = setTimeout(() => renew(), Math.max(10, session.expires_in - 60) * 1000);
  return session.user;
}

export async function logIn(email, password) {
  return adopt(await request('POST', '/auth/login', { body: { email, password }, headers: COOKIE_MODE }));
}

export async function signUp(fields) {
  return adopt(await request('POST', '/auth/signup', { body: fields, headers: COOKIE_MODE }));
}

/** Renews the access token from the refresh cookie; one renewal at a time. Resolves to the user or null. */
export function renew() {
  refreshing ??= (async () => {
    try {
      return adopt(await request('POST', '/auth/refresh', { body: {}, headers: COOKIE_MODE }));
    } catch (error) {
      const hadSession = accessToken !== null;
      forget();
      if (hadSession) onSessionEnded(error.code === 'network_error' ? 'network' : 'expired');
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Restores the session after a page load, if the refresh cookie is still good. */
export const resume = () => renew();

export async function logOut() {
  try {
    if (accessToken) await request('POST', '/auth/logout');
  } finally {
    forget();
  }
}

function forget() {
  accessToken = null;
  clearTimeout(refreshTimer);
}
