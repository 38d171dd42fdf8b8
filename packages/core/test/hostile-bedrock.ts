/**
 * A hostile Bedrock on loopback: a real HTTP server that answers InvokeModel with whatever a test
 * scripts (wrong lengths, `null`s, missing types, HTML pages from a proxy), so the tests can show
 * that every such answer becomes a typed error and never a result. Shared by the core, the adapters
 * and the server tests (imported by path).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer. `body` is sent as is when a string, else as JSON. */
export interface HostileAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** What the server saw of one request. */
export interface SeenRequest {
  method: string;
  path: string;
  /** The model id of an InvokeModel request (`/model/{id}/invoke`), else ''. */
  modelId: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export interface HostileBedrock {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Every request received, in order. */
  requests: SeenRequest[];
  /** Sets how the next requests are answered (from the request's model id and JSON body). */
  answer(script: (request: SeenRequest) => HostileAnswer): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the server on a free loopback port. */
export async function startHostileBedrock(): Promise<HostileBedrock> {
  let script: (request: SeenRequest) => HostileAnswer = () => ({
    status: 500,
    body: { message: 'unscripted' },
  });
  const requests: SeenRequest[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const match = /^\/model\/([^/]+)\/invoke$/.exec(request.url ?? '');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const seen: SeenRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        modelId: decodeURIComponent(match?.[1] ?? ''),
        body,
        headers: request.headers,
      };
      requests.push(seen);
      const answer = script(seen);
      const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      response.writeHead(answer.status ?? 200, {
        'content-type': 'application/json',
        'x-amzn-requestid': `hostile-${requests.length}`,
        ...answer.headers,
      });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'AKIAHOSTILE000000000',
      secretAccessKey: 'hostile-secret-key-0000000000000000',
    },
    requests,
    answer(next) {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A vector of `length` small finite values. */
export function vector(length: number, seed = 1): number[] {
  return Array.from({ length }, (_, i) => Math.sin(seed * 31 + i) / 10);
}

/** An HTML page, as a captive portal or a proxy's error page sends. */
export const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
