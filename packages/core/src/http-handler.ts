/**
 * The HTTP handler of the Node build (Node, Bun, Deno): Node's keep-alive agents, capped at
 * `maxSockets` per host. The SDK's default HTTP/2 handler for Bedrock Runtime opens a new
 * connection (a TLS handshake on AWS) for every request. The edge build (package.json conditions
 * `workerd`, `edge-light`, `worker`, `browser`) replaces this file with `http-handler.edge.ts`.
 */
import type { HttpHandlerOptions, RequestHandler } from '@smithy/types';

/**
 * A keep-alive request handler shared by a client's Bedrock Runtime clients. Loaded with the first
 * client, like the SDK, so that importing the core stays cheap.
 */
export async function createRequestHandler(
  maxSockets: number,
): Promise<RequestHandler<unknown, unknown, HttpHandlerOptions>> {
  const [{ NodeHttpHandler }, http, https] = await Promise.all([
    import('@smithy/node-http-handler'),
    import('node:http'),
    import('node:https'),
  ]);
  return new NodeHttpHandler({
    httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets }),
  }) as RequestHandler<unknown, unknown, HttpHandlerOptions>;
}
