/**
 * The HTTP handler of the Node build (Node, Bun, Deno): Node's keep-alive agents, capped at
 * `maxSockets` per host. The SDK's default HTTP/2 handler for Bedrock Runtime opens a new
 * connection (a TLS handshake on AWS) for every request. The edge build (package.json conditions
 * `workerd`, `edge-light`, `worker`, `browser`) replaces this file with `http-handler.edge.ts`.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, RequestHandler } from '@smithy/types';

/** A keep-alive request handler shared by a client's Bedrock Runtime clients. */
export function createRequestHandler(
  maxSockets: number,
): RequestHandler<unknown, unknown, HttpHandlerOptions> {
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
  }) as RequestHandler<unknown, unknown, HttpHandlerOptions>;
}
