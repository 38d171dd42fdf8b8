/**
 * The HTTP server: OpenAI's `/v1/embeddings` and `/v1/models`, LiteLLM's health routes and key
 * headers, CORS, Prometheus `/metrics`, a body size limit, one log entry per request, and a
 * graceful close that lets requests in flight finish. Requests reach Bedrock through the router.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type BedrockEmbeddings,
  createBedrockEmbeddings,
  type EmbeddingInput,
  type EmbedResult,
} from '@bedrock-embeddings/core';
import { toEmbeddingData } from '@bedrock-embeddings/core/litellm';
import { embeddingCache } from './cache.js';
import { type ResolvedConfig, resolveConfig, type ServerConfig } from './config.js';
import { apiKeyOf, corsHeaders, keyMatches, originAllowed, preflightHeaders } from './http.js';
import { ServerMetrics } from './metrics.js';
import { toCoreParams } from './model-params.js';
import { type EmbeddingsResponse, HttpError, parseEmbeddingsRequest, toHttpError } from './openai.js';
import { type RerankDeployment, serveRerank } from './rerank.js';
import { Router } from './router/index.js';

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

/** A log entry being filled in, and the alias as configured (metrics' label). */
type EntryDraft = Partial<RequestLogEntry> & { alias?: string };

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
  /** How long a client may take to send a request's headers (default 10,000 ms); then 408. */
  headersTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, body included (default 30,000 ms); then
   * 408. A stalled upload never holds a connection longer.
   */
  bodyTimeoutMs?: number;
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
  /** Routes requests over the aliases' deployments; `/v1/embeddings` and other endpoints share it. */
  readonly router: Router;
}

/** A body sent as is (not JSON), e.g. Prometheus's text format. */
class RawBody {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
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

/** A real 1x1 PNG: the health check's input for an alias whose inputs are images (`input_type: image`). */
const HEALTH_IMAGE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Known routes as metrics label them; anything else is `other`, so unknown paths add no series. */
const ROUTES = new Set([
  '/v1/embeddings',
  '/embeddings',
  '/v1/models',
  '/models',
  '/health',
  '/health/liveliness',
  '/health/liveness',
  '/health/readiness',
  '/metrics',
]);
function routeOf(path: string): string {
  if (ROUTES.has(path)) return path;
  return /^(?:\/v1)?\/models\/./.test(path) ? '/v1/models/{model}' : 'other';
}

/** Node's own status line for the codes we answer with; 499 has none. */
const STATUS_TEXT: Record<number, string> = { 499: 'Client Closed Request' };

/**
 * Creates an OpenAI-compatible embeddings server for the models of a LiteLLM-style configuration.
 * Requests go through the {@link Router}: one core client per distinct AWS connection
 * (credentials, region, endpoint, retries, timeout, concurrency), failover between an alias's
 * deployments, cooldowns and fallbacks.
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
  if (cache !== undefined) {
    for (const group of [...resolved.models.values(), ...resolved.wildcards.values()])
      for (const deployment of group) deployment.clientOptions.cache = cache;
  }
  const metrics = new ServerMetrics();
  const router = new Router(resolved, metrics);
  metrics.watch(router);
  // Reranker aliases: one core client per distinct connection, as the router keeps for embeddings.
  const rerankClients = new Map<string, BedrockEmbeddings>();
  const rerankClientOf = (deployment: RerankDeployment) => {
    let client = rerankClients.get(deployment.clientKey);
    if (client === undefined) {
      client = createBedrockEmbeddings(deployment.clientOptions);
      rerankClients.set(deployment.clientKey, client);
    }
    return client;
  };

  /** Requests being answered, each with the controller that cancels its Bedrock calls. */
  const inFlight = new Set<AbortController>();
  let closing: Promise<void> | undefined;
  let url: string | undefined;

  function authorize(req: http.IncomingMessage): void {
    if (masterKey === undefined) return;
    const given = apiKeyOf(req);
    if (given === undefined) {
      throw new HttpError(
        401,
        'Missing API key: send `Authorization: Bearer <master_key>` (or `api-key`, `x-api-key`, `x-litellm-api-key`).',
        { code: 'invalid_api_key' },
      );
    }
    if (!keyMatches(given, masterKey)) {
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

  async function embeddings(
    req: http.IncomingMessage,
    signal: AbortSignal,
    entry: EntryDraft,
  ): Promise<EmbeddingsResponse> {
    const request = parseEmbeddingsRequest(await readJson(req));
    entry.model = request.model;
    // Metrics name the alias as configured (a wildcard by its pattern), so labels stay few.
    entry.alias = router.lookup(request.model)[0]!.modelName;
    const { result, deployment } = await router.run(
      request.model,
      (deployment, client, attemptSignal): Promise<EmbedResult> => {
        const { common, modality } = toCoreParams({ ...deployment.params, ...request.params });
        const inputs: EmbeddingInput[] =
          modality === undefined ? request.input : request.input.map((value) => ({ [modality]: value }));
        return client.embed({ ...common, model: deployment.model, inputs, signal: attemptSignal });
      },
      { signal, tokensOf: (embedded) => embedded.usage.inputTokens ?? 0 },
    );
    // `cacheHits` is set by the core when the deployment's client has an embedding cache.
    if ('cacheHits' in result && typeof result.cacheHits === 'number')
      metrics.cacheHits(deployment, result.cacheHits);
    const tokens = result.usage.inputTokens ?? 0;
    return {
      object: 'list',
      data: toEmbeddingData(result.embeddings, request.encodingFormat),
      model: request.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  }

  function modelObject(alias: string) {
    return { id: alias, object: 'model' as const, created: createdAt, owned_by: 'bedrock' };
  }

  /**
   * LiteLLM's `/health`: one small embedding per deployment, with the alias's parameter defaults
   * (a `dimensions` or `input_type` the model needs), reported as healthy or not.
   */
  async function health(signal: AbortSignal) {
    const checks = await Promise.all(
      router.deployments().map(async (deployment) => {
        const about = { model_name: deployment.modelName, model: deployment.model, model_id: deployment.id };
        try {
          const { common, modality } = toCoreParams(deployment.params);
          await router.clientOf(deployment).embed({
            ...common,
            model: deployment.model,
            inputs: [modality === 'image' ? { image: HEALTH_IMAGE } : 'health check'],
            signal,
          });
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
    entry: EntryDraft,
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
    if (path === '/v1/rerank' || path === '/rerank') {
      allow('POST');
      authorize(req);
      return serveRerank(await readJson(req), {
        rerankers: resolved.rerankers,
        embeddingAliases: router.aliases(),
        clientOf: rerankClientOf,
        signal,
        onModel: (alias) => {
          entry.model = alias;
        },
      });
    }
    if (path === '/v1/models' || path === '/models') {
      allow('GET');
      authorize(req);
      return { object: 'list', data: [...router.aliases(), ...resolved.rerankers.keys()].map(modelObject) };
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
      if (!resolved.rerankers.has(alias)) router.lookup(alias);
      return modelObject(alias);
    }
    if (path === '/health') {
      allow('GET');
      authorize(req);
      return health(signal);
    }
    // Unauthenticated, as LiteLLM's: it names aliases and deployments, never keys.
    if (path === '/metrics') {
      allow('GET');
      return new RawBody(metrics.registry.contentType, await metrics.registry.metrics());
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
    const text = body instanceof RawBody ? body.text : JSON.stringify(body);
    if (closing !== undefined) headers.connection = 'close';
    res.writeHead(status, STATUS_TEXT[status], {
      ...headers,
      'content-type': body instanceof RawBody ? body.contentType : 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  const bodyTimeoutMs = options.bodyTimeoutMs ?? 30_000;
  const headersTimeoutMs = Math.min(options.headersTimeoutMs ?? 10_000, bodyTimeoutMs);
  const httpOptions: http.ServerOptions = {
    headersTimeout: headersTimeoutMs,
    requestTimeout: bodyTimeoutMs,
    // Node checks both timeouts on this interval (default 30 s): check often enough to honour them.
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeoutMs / 2))),
  };
  const httpServer = http.createServer(httpOptions, (req, res) => {
    const started = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const entry: EntryDraft = {};
    const controller = new AbortController();
    inFlight.add(controller);
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const cors = corsHeaders(origin, resolved.corsOrigins);
    // The client went away before the answer: cancel its Bedrock calls.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort(new Error('The client closed the connection.'));
    });

    const answer: Promise<{ status: number; body: unknown; headers?: Record<string, string> }> =
      req.method === 'OPTIONS'
        ? Promise.resolve(preflight(req, origin))
        : closing !== undefined
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
      send(res, status, body, { ...cors, ...headers });
      inFlight.delete(controller);
      const seconds = (performance.now() - started) / 1000;
      metrics.request(routeOf(path), entry.alias, status, seconds, entry.error?.split(':')[0]);
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

  /** A CORS preflight: allowed origins get the methods and headers they may use; others a 403. */
  function preflight(req: http.IncomingMessage, origin: string | undefined) {
    if (origin !== undefined && originAllowed(origin, resolved.corsOrigins)) {
      return { status: 204, body: new RawBody('text/plain', ''), headers: preflightHeaders(req, origin) };
    }
    const failure = new HttpError(
      403,
      origin === undefined
        ? 'OPTIONS is answered to CORS preflights, which carry an Origin header.'
        : `The origin ${origin} is not allowed (general_settings.cors_allowed_origins).`,
      { code: 'cors_origin_not_allowed' },
    );
    return { status: 403, body: failure.toBody() };
  }

  return {
    httpServer,
    router,
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
