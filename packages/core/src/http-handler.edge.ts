/**
 * The HTTP handler of the edge build (Vercel Edge, Cloudflare Workers, browsers): the AWS SDK's
 * `fetch` handler, with keep-alive, which the runtime's `fetch` pools itself. No Node module is
 * imported here, so bundlers targeting these runtimes need no shims.
 */
import type { HttpHandlerOptions, RequestHandler } from '@smithy/types';

/** A `fetch` request handler; `maxSockets` is the runtime's to enforce (the client caps requests in flight). */
export async function createRequestHandler(
  _maxSockets: number,
): Promise<RequestHandler<unknown, unknown, HttpHandlerOptions>> {
  const { FetchHttpHandler } = await import('@smithy/fetch-http-handler');
  return new FetchHttpHandler({ keepAlive: true }) as RequestHandler<unknown, unknown, HttpHandlerOptions>;
}
