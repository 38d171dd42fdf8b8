/**
 * What differs between runtimes, in one place: environment variables (Node, Bun, Deno; not in
 * browsers, Vercel Edge or Cloudflare Workers without `nodejs_compat`) and bytes <-> text/base64
 * (Node's `Buffer` where it exists, the web platform's equivalents elsewhere). Everything else in
 * the core uses web-standard globals only, so edge bundles need no Node shims.
 */

interface NodeLikeGlobals {
  process?: { env?: Record<string, string | undefined>; versions?: { node?: string } };
  Buffer?: typeof Buffer;
}

const globals = globalThis as unknown as NodeLikeGlobals;
/** Node's Buffer (Node, Bun, Deno); undefined on edge runtimes without Node compatibility. */
const NodeBuffer = globals.Buffer;

/** An environment variable; undefined when unset, empty, or when the runtime has no `process.env`. */
export function env(name: string): string | undefined {
  const value = globals.process?.env?.[name];
  return value === '' ? undefined : value;
}

/** The name of the runtime, for error messages. */
export function runtimeName(): string {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.Bun !== 'undefined') return 'Bun';
  if (typeof g.Deno !== 'undefined') return 'Deno';
  if (typeof g.EdgeRuntime === 'string') return 'Vercel Edge';
  if (typeof g.WebSocketPair !== 'undefined') return 'Cloudflare Workers';
  if (globals.process?.versions?.node !== undefined) return `Node ${globals.process.versions.node}`;
  return 'this JavaScript runtime';
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** UTF-8 text of bytes. */
export function utf8Decode(bytes: Uint8Array): string {
  return NodeBuffer
    ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
    : decoder.decode(bytes);
}

/** Length of `text` in UTF-8 bytes. */
export function utf8Length(text: string): number {
  return NodeBuffer ? NodeBuffer.byteLength(text, 'utf8') : encoder.encode(text).byteLength;
}

/** Base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Bytes of (a prefix of) base64 data; a trailing partial group is ignored, invalid data gives no bytes. */
export function fromBase64(base64: string): Uint8Array {
  if (NodeBuffer) return NodeBuffer.from(base64, 'base64');
  const clean = base64.replace(/[^A-Za-z0-9+/]/g, '');
  try {
    const binary = atob(clean.slice(0, clean.length - (clean.length % 4)));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Deno asks for `--allow-sys` when the AWS SDK's Node user agent reads the OS release; there the
 * clients get a user agent without it (SDK and language, as the SDK's browser build sends).
 */
export function userAgentConfig(): { defaultUserAgentProvider?: () => Promise<[string, string?][]> } {
  const deno = (globalThis as { Deno?: { version?: { deno?: string } } }).Deno;
  if (deno === undefined) return {};
  const version = deno.version?.deno;
  return {
    defaultUserAgentProvider: async () => [['aws-sdk-js'], ['lang/js'], ['md/deno', version]],
  };
}
