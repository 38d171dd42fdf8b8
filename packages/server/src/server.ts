/**
 * The HTTP server: OpenAI's `/v1/embeddings` and `/v1/models`, LiteLLM's health routes, bearer
 * authentication with the master key, a body size limit, one log entry per request, and a
 * graceful close that lets requests in flight finish.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type BedrockEmbeddings,
  createBedrockEmbeddings,
  type EmbeddingCache,
  type EmbeddingInput,
  type EmbedResult,
  memoryCache,
  redisCache,
} from '@bedrock-embeddings/core';
import { toEmbeddingData } from '@bedrock-embeddings/core/litellm';
import {
  type CacheConfig,
  type Deployment,
  type ResolvedConfig,
  resolveConfig,
  type ServerConfig,
} from './config.js';
import { toCoreParams } from './model-params.js';
import { type EmbeddingsResponse, HttpError, parseEmbeddingsRequest, toHttpError } from './openai.js';

/** What is logged of one request: never headers, bodies or query strings (they may hold keys). */
export interface RequestLogEntry {
  /** HTTP method. */
  method: string;
  /** The path, without the query string. */
  path: string;
  /** HTTP status answered. */
  status: number;
  /** Time from request to the end of the response, in ms. */
  durationMs: number;
  /** The model alias the request named, when it named one. */
  model?: string;
  /** OpenAI error code of a failed request. */
  error?: string;
}

/** Receives one entry per request. */
export type RequestLogger = (entry: RequestLogEntry) => void;

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** Where request log entries go (default: one line each on stderr); `false` logs nothing. */
  logger?: RequestLogger | false;
  /** Where `os.environ/NAME` values are read (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** How long `close()` waits for requests in flight before cutting them off (default 30,000 ms). */
  shutdownTimeoutMs?: number;
}

/** A server made by {@link createServer}. */
export interface EmbeddingsServer {
  /** Starts listening (default `127.0.0.1`, port 4000; port 0 picks a free one). Resolves with {@link url}. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** `http://host:port` once listening. */
  readonly url: string | undefined;
  /**
   * Stops accepting connections and resolves once the requests in flight have been answered
   * (requests arriving meanwhile on open connections get 503). After `shutdownTimeoutMs` the
   * remaining requests are cancelled and their connections closed.
   */
  close(): Promise<void>;
  /** The underlying Node server. */
  readonly httpServer: http.Server;
}

/** The cache of `litellm_settings.cache`, with the Redis connection opened by `listen()`. */
type ServerCache = EmbeddingCache & { connect(): Promise<void>; disconnect(): void };

function embeddingCache(config: CacheConfig | undefined): ServerCache | undefined {
  if (config === undefined) return undefined;
  if (config.type === 'local') {
    return Object.assign(memoryCache({ maxEntries: config.maxEntries }), {
      connect: async () => {},
      disconnect: () => {},
    });
  }
  let redis: { destroy(): void } | undefined;
  let shared: EmbeddingCache | undefined;
  const ready = (): EmbeddingCache => {
    if (shared === undefined)
      throw new Error('the Redis cache is not connected (the server is not listening)');
    return shared;
  };
  return {
    getMany: (keys) => ready().getMany(keys),
    setMany: (entries) => ready().setMany(entries),
    async connect() {
      if (redis !== undefined) return;
      const { createClient } = await import('redis');
      let reported = false;
      const client = createClient({
        socket: {
          host: config.host,
          port: config.port,
          connectTimeout: 2_000,
          reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000),
        },
        ...(config.password === undefined ? {} : { password: config.password }),
        ...(config.username === undefined ? {} : { username: config.username }),
        // While Redis is away, commands fail at once (a cache miss and a warning), not queue up.
        disableOfflineQueue: true,
      })
        .on('error', (error: Error) => {
          if (reported) return;
          reported = true;
          process.stderr.write(
            `Redis cache at ${config.host}:${config.port}: ${error.message} (embedding without it)\n`,
          );
        })
        .on('ready', () => {
          reported = false;
        });
      redis = client;
      shared = redisCache(client, {
        prefix: `${config.namespace}:`,
        ...(config.ttlSeconds === undefined ? {} : { ttlSeconds: config.ttlSeconds }),
      });
      // Waited for at most the connect timeout: a Redis that is down at start is a cache miss per
      // request (while the client reconnects), not a server that won't start.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        client.connect().then(
          () => {},
          () => {},
        ),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, 2_000);
        }),
      ]);
      clearTimeout(timer);
    },
    disconnect() {
      redis?.destroy();
      redis = undefined;
      shared = undefined;
    },
  };
}

/** Formats a log entry as one line: `POST /v1/embeddings 200 12ms model=titan-v2`. */
export function formatLogEntry(entry: RequestLogEntry): string {
  return [
    new Date().toISOString(),
    entry.method,
    entry.path,
    entry.status,
    `${entry.durationMs}ms`,
    ...(entry.model === undefined ? [] : [`model=${entry.model}`]),
    ...(entry.error === undefined ? [] : [`error=${entry.error}`]),
  ].join(' ');
}

const defaultLogger: RequestLogger = (entry) => process.stderr.write(`${formatLogEntry(entry)}\n`);

/** Node's own status line for the codes we answer with; 499 has none. */
const STATUS_TEXT: Record<number, string> = { 499: 'Client Closed Request' };

/**
 * Creates an OpenAI-compatible embeddings server for the models of a LiteLLM-style configuration.
 * One core client is made per distinct AWS connection (credentials, region, endpoint, retries,
 * timeout, concurrency) and shared by every alias using it.
 *
 * @param config the configuration as parsed from YAML (see `loadConfig`), with `os.environ/` values unread.
 * @throws ConfigError listing every problem of the configuration.
 */
export function createServer(config: ServerConfig, options: ServerOptions = {}): EmbeddingsServer {
  const resolved: ResolvedConfig = resolveConfig(config, options.env);
  const log = options.logger === false ? undefined : (options.logger ?? defaultLogger);
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  const masterKey = resolved.masterKey === undefined ? undefined : Buffer.from(resolved.masterKey);
  const createdAt = Math.floor(Date.now() / 1000);

  const cache = embeddingCache(resolved.cache);
  const clients = new Map<string, BedrockEmbeddings>();
  for (const deployment of resolved.deployments.values()) {
    if (!clients.has(deployment.clientKey)) {
      const clientOptions =
        cache === undefined ? deployment.clientOptions : { ...deployment.clientOptions, cache };
      clients.set(deployment.clientKey, createBedrockEmbeddings(clientOptions));
    }
  }
  const clientOf = (deployment: Deployment) => clients.get(deployment.clientKey)!;

  /** Requests being answered, each with the controller that cancels its Bedrock calls. */
  const inFlight = new Set<AbortController>();
  let closing: Promise<void> | undefined;
  let url: string | undefined;

  function authorize(req: http.IncomingMessage): void {
    if (masterKey === undefined) return;
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match === null) {
      throw new HttpError(401, 'Missing API key: send `Authorization: Bearer <master_key>`.', {
        code: 'invalid_api_key',
      });
    }
    const given = Buffer.from(match[1]!);
    if (given.length !== masterKey.length || !timingSafeEqual(given, masterKey)) {
      throw new HttpError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
    }
  }

  async function readJson(req: http.IncomingMessage): Promise<unknown> {
    const limit = resolved.maxRequestBytes;
    const tooLarge = () =>
      new HttpError(
        413,
        `The request body is larger than ${limit} bytes (general_settings.max_request_size_mb).`,
        {
          code: 'request_too_large',
        },
      );
    const declared = Number(req.headers['content-length']);
    if (declared > limit) throw tooLarge();
    // Events rather than `for await`: leaving that loop early destroys the socket, and the 413 with it.
    const body = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) {
          chunks.push(chunk);
          return;
        }
        req.off('data', onData);
        req.resume(); // discard the rest; the answer closes the connection
        reject(tooLarge());
      };
      req.on('data', onData);
      req.once('end', () => resolve(Buffer.concat(chunks)));
      req.once('error', reject);
    });
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'The request body is not valid JSON.', { code: 'invalid_json' });
    }
  }

  function deploymentOf(alias: string): Deployment {
    const deployment = resolved.deployments.get(alias);
    if (deployment === undefined) {
      throw new HttpError(
        404,
        `The model \`${alias}\` does not exist. Available: ${[...resolved.deployments.keys()].join(', ')}.`,
        {
          param: 'model',
          code: 'model_not_found',
        },
      );
    }
    return deployment;
  }

  async function embeddings(
    req: http.IncomingMessage,
    signal: AbortSignal,
    entry: Partial<RequestLogEntry>,
  ): Promise<EmbeddingsResponse> {
    const request = parseEmbeddingsRequest(await readJson(req));
    entry.model = request.model;
    const deployment = deploymentOf(request.model);
    const { common, modality } = toCoreParams({ ...deployment.params, ...request.params });
    const inputs: EmbeddingInput[] =
      modality === undefined ? request.input : request.input.map((value) => ({ [modality]: value }));
    const result: EmbedResult = await clientOf(deployment).embed({
      ...common,
      model: deployment.model,
      inputs,
      signal,
    });
    const tokens = result.usage.inputTokens ?? 0;
    return {
      object: 'list',
      data: toEmbeddingData(result.embeddings, request.encodingFormat),
      model: deployment.modelName,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  }

  function modelObject(alias: string) {
    return { id: alias, object: 'model' as const, created: createdAt, owned_by: 'bedrock' };
  }

  /** LiteLLM's `/health`: one small embedding per model, reported as healthy or not. */
  async function health(signal: AbortSignal) {
    const checks = await Promise.all(
      [...resolved.deployments.values()].map(async (deployment) => {
        const about = { model_name: deployment.modelName, model: deployment.model };
        try {
          await clientOf(deployment).embed({ model: deployment.model, inputs: ['health check'], signal });
          return { healthy: true, about };
        } catch (error) {
          return { healthy: false, about: { ...about, error: toHttpError(error).message } };
        }
      }),
    );
    const healthy = checks.filter((check) => check.healthy).map((check) => check.about);
    const unhealthy = checks.filter((check) => !check.healthy).map((check) => check.about);
    return {
      healthy_endpoints: healthy,
      unhealthy_endpoints: unhealthy,
      healthy_count: healthy.length,
      unhealthy_count: unhealthy.length,
    };
  }

  async function route(
    req: http.IncomingMessage,
    path: string,
    signal: AbortSignal,
    entry: Partial<RequestLogEntry>,
  ): Promise<unknown> {
    const method = req.method ?? 'GET';
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) {
        throw new HttpError(405, `${method} is not allowed on ${path}; use ${methods.join(' or ')}.`, {
          code: 'method_not_allowed',
          headers: { allow: methods.join(', ') },
        });
      }
    };
    // Probes need no key, as in LiteLLM.
    if (path === '/health/liveliness' || path === '/health/liveness') {
      allow('GET', 'HEAD');
      return "I'm alive!";
    }
    if (path === '/health/readiness') {
      allow('GET', 'HEAD');
      return { status: 'healthy' };
    }
    const modelPath = /^(?:\/v1)?\/models\/(.+)$/.exec(path);
    if (path === '/v1/embeddings' || path === '/embeddings') {
      allow('POST');
      authorize(req);
      return embeddings(req, signal, entry);
    }
    if (path === '/v1/models' || path === '/models') {
      allow('GET');
      authorize(req);
      return { object: 'list', data: [...resolved.deployments.keys()].map(modelObject) };
    }
    if (modelPath !== null) {
      allow('GET');
      authorize(req);
      let alias = modelPath[1]!;
      try {
        alias = decodeURIComponent(alias);
      } catch {
        // not percent-encoded: the alias as written
      }
      entry.model = alias;
      return modelObject(deploymentOf(alias).modelName);
    }
    if (path === '/health') {
      allow('GET');
      authorize(req);
      return health(signal);
    }
    throw new HttpError(404, `No route ${method} ${path}.`, { code: 'not_found' });
  }

  function send(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    if (res.headersSent || res.destroyed) return;
    const json = JSON.stringify(body);
    if (closing !== undefined) headers.connection = 'close';
    res.writeHead(status, STATUS_TEXT[status], {
      ...headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  }

  const httpServer = http.createServer((req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const entry: Partial<RequestLogEntry> = {};
    const controller = new AbortController();
    inFlight.add(controller);
    // The client went away before the answer: cancel its Bedrock calls.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new Error('The client closed the connection.'));
    });

    const answer: Promise<{ status: number; body: unknown; headers?: Record<string, string> }> =
      closing !== undefined
        ? Promise.resolve({
            status: 503,
            body: new HttpError(503, 'The server is shutting down.', { code: 'shutting_down' }).toBody(),
          })
        : route(req, path, controller.signal, entry).then(
            (body) => ({ status: 200, body }),
            (error: unknown) => {
              const failure = controller.signal.aborted
                ? new HttpError(499, 'The client closed the connection.', { code: 'client_closed_request' })
                : toHttpError(error);
              entry.error = failure.code ?? failure.type;
              if (failure.status === 500) entry.error = `${entry.error}: ${String(error)}`;
              return { status: failure.status, body: failure.toBody(), headers: failure.headers };
            },
          );

    void answer.then(({ status, body, headers }) => {
      // Unread request bodies (413, early errors) would otherwise keep the connection busy.
      if (!req.complete) headers = { ...headers, connection: 'close' };
      send(res, status, body, headers);
      inFlight.delete(controller);
      log?.({
        method: req.method ?? 'GET',
        path,
        status,
        durationMs: Math.round(performance.now() - started),
        ...(entry.model === undefined ? {} : { model: entry.model }),
        ...(entry.error === undefined ? {} : { error: entry.error }),
      });
      if (closing !== undefined) httpServer.closeIdleConnections();
    });
  });

  return {
    httpServer,
    get url() {
      return url;
    },
    async listen({ port = 4000, host = '127.0.0.1' } = {}) {
      await cache?.connect();
      return new Promise<string>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          url = `http://${shown}:${address.port}`;
          resolve(url);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (!httpServer.listening) {
          resolve();
          return;
        }
        const force = setTimeout(() => {
          for (const controller of inFlight) controller.abort(new Error('The server shut down.'));
          httpServer.closeAllConnections();
        }, shutdownTimeoutMs);
        force.unref();
        httpServer.close(() => {
          clearTimeout(force);
          cache?.disconnect();
          resolve();
        });
        httpServer.closeIdleConnections();
      });
      return closing;
    },
  };
}
