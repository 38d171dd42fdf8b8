/**
 * The HTTP handler of the edge build (Vercel Edge, Cloudflare Workers, browsers): the AWS SDK's
 * `fetch` handler, with keep-alive, which the runtime's `fetch` pools itself. No Node module is
 * imported here, so bundlers targeting these runtimes need no shims.
 */
import { FetchHttpHandler } from '@smithy/fetch-http-handler';
import type { HttpHandlerOptions, RequestHandler } from '@smithy/types';

/** A `fetch` request handler; `maxSockets` is the runtime's to enforce (the client caps requests in flight). */
export function createRequestHandler(
  _maxSockets: number,
): RequestHandler<unknown, unknown, HttpHandlerOptions> {
  return new FetchHttpHandler({ keepAlive: true }) as RequestHandler<unknown, unknown, HttpHandlerOptions>;
}
