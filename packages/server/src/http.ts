/**
 * HTTP conventions LiteLLM's clients rely on: where the key may be sent, and CORS for browsers.
 */
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

/**
 * Headers a key is read from, first found wins: LiteLLM's own `x-litellm-api-key` (for when
 * `Authorization` carries something else), OpenAI's `Authorization`, Azure's `api-key`, Anthropic's
 * `x-api-key`. A `Bearer ` prefix is optional in each.
 */
export const KEY_HEADERS = ['x-litellm-api-key', 'authorization', 'api-key', 'x-api-key'] as const;

/** The key a request carries, if any. */
export function apiKeyOf(req: http.IncomingMessage): string | undefined {
  for (const name of KEY_HEADERS) {
    const value = req.headers[name];
    if (typeof value !== 'string' || value.trim() === '') continue;
    const key = value.trim().replace(/^Bearer\s+/i, '');
    // Another scheme (`Basic ...` from a proxy in front): not our key; look further.
    if (name === 'authorization' && /^\S+\s/.test(key)) continue;
    return key;
  }
  return undefined;
}

/** Compares in time independent of where the strings differ (a length mismatch shows only the length). */
export function keyMatches(given: string, expected: Buffer): boolean {
  const bytes = Buffer.from(given);
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

/** Request headers a browser may send (answered to a preflight that asks for others too, if allowed). */
const ALLOWED_HEADERS = ['content-type', ...KEY_HEADERS];

/** Whether a browser page at `origin` may call the server. */
export function originAllowed(origin: string, allowed: '*' | string[]): boolean {
  return allowed === '*' || allowed.includes(origin);
}

/**
 * CORS headers of an answer to a request from `origin` (none for a request without one, or from an
 * origin not allowed, so the browser keeps the answer from the page). With `'*'` the origin is
 * echoed rather than `*`, so pages sending credentials work too.
 */
export function corsHeaders(origin: string | undefined, allowed: '*' | string[]): Record<string, string> {
  if (origin === undefined || !originAllowed(origin, allowed)) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** The headers of a preflight (`OPTIONS`) answer for an allowed origin. */
export function preflightHeaders(req: http.IncomingMessage, origin: string): Record<string, string> {
  const asked = req.headers['access-control-request-headers'];
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers':
      typeof asked === 'string' && asked !== '' ? asked : ALLOWED_HEADERS.join(', '),
    'access-control-max-age': '600',
    vary: 'Origin, Access-Control-Request-Headers',
  };
}
