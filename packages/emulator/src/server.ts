/**
 * The emulator's HTTP layer. One TCP port speaks HTTP/1.1 and cleartext HTTP/2 with prior knowledge:
 * each connection's first bytes are sniffed for the HTTP/2 preface and the socket is handed to an
 * `http2` or an `http` server (the AWS SDK's default handler for Bedrock Runtime is HTTP/2).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import http, { type OutgoingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { AsyncJobs } from './async-jobs.js';
import { Authenticator } from './auth.js';
import { BatchJobs, batchJobRoutes } from './batch-jobs.js';
import {
  type ApplicationProfile,
  type ApplicationProfileOptions,
  ApplicationProfiles,
  controlPlaneRoutes,
  matchRoute,
  type Route,
  type RouteContext,
} from './control-plane.js';
import { BedrockError, constraintViolation, validation } from './errors.js';
import { expectedEmbedding } from './expected.js';
import { FaultInjector, faultError } from './faults.js';
import { accessDenied } from './iam.js';
import { ModelResolver } from './model-ids.js';
import { models } from './models/index.js';
import { EmulatedValidationError } from './models/types.js';
import type {
  EmulatorCredentials,
  EmulatorOptions,
  EmulatorStats,
  FaultKind,
  Operation,
  RuntimeOptions,
} from './options.js';
import { QuotaTracker } from './quotas.js';
import { rerank } from './rerank.js';
import { externalS3, type S3Store, startBuiltInS3 } from './s3.js';
import { StatsCounter } from './stats.js';
import { responseJson } from './vectors.js';

/** A running emulator, returned by {@link startEmulator}. */
export interface Emulator {
  /** Bedrock Runtime endpoint, e.g. `http://127.0.0.1:49152` (HTTP/1.1 and h2c). */
  readonly endpoint: string;
  /** The S3-compatible endpoint async jobs write to (use `forcePathStyle: true`). */
  readonly s3Endpoint: string;
  /** The region the endpoint answers for; sign requests for it. */
  readonly region: string;
  /** The 12-digit account id in ARNs. */
  readonly accountId: string;
  /** SigV4 credentials the endpoint (and the built-in S3) accepts. */
  readonly credentials: EmulatorCredentials;
  /** A Bedrock API key the endpoint accepts (`Authorization: Bearer`). */
  readonly apiKey: string;
  /** Counters since start or the last reset. */
  stats(): EmulatorStats;
  /** Clears counters, quota windows and async jobs, releases hung requests and reseeds faults. */
  reset(): void;
  /** Changes behaviour at runtime; fields left out keep their value. */
  configure(options: RuntimeOptions): void;
  /**
   * Creates an application inference profile routing to a model or system profile: InvokeModel,
   * StartAsyncInvoke and the control plane's GetInferenceProfile / ListInferenceProfiles know it.
   */
  registerApplicationProfile(options: ApplicationProfileOptions): ApplicationProfile;
  /** The exact vector(s) the emulator returns for a model, input and parameters. */
  readonly expectedEmbedding: typeof expectedEmbedding;
  /** Closes every connection and the built-in S3. */
  stop(): Promise<void>;
}

type Request = http.IncomingMessage | http2.Http2ServerRequest;
interface Response {
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  end(data: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/** One request being answered, and what the request log reports about it. */
interface Exchange {
  res: Response;
  requestId: string;
  modelId?: string;
  status?: number;
  errorType?: string;
  fault?: FaultKind;
}

const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
/** InvokeModel's documented body limit. */
const MAX_BODY_BYTES = 25_000_000;
const DEFAULT_ACCOUNT_ID = '123456789012';

function generateCredentials(): EmulatorCredentials {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = [...randomBytes(16)].map((byte) => alphabet[byte % 32]).join('');
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64') };
}

/** Shaped like a long-term Bedrock API key: `ABSK` + base64 of `BedrockAPIKey-<id>:<secret>`. */
function generateApiKey(accountId: string): string {
  const secret = randomBytes(24).toString('base64');
  return `ABSK${Buffer.from(`BedrockAPIKey-emulator-at-${accountId}:${secret}`).toString('base64')}`;
}

/** Which Bedrock Runtime operation a method and path call, and its path label (still percent-encoded). */
function runtimeRoute(method: string, path: string): { operation: Operation | undefined; label: string } {
  const parts = path.split('/');
  if (method === 'POST' && parts.length === 4 && parts[1] === 'model' && parts[3] === 'invoke') {
    return { operation: 'InvokeModel', label: parts[2]! };
  }
  if (method === 'POST' && path === '/rerank') return { operation: 'Rerank', label: '' };
  if (parts[1] === 'async-invoke') {
    if (parts.length === 2 && method === 'POST') return { operation: 'StartAsyncInvoke', label: '' };
    if (parts.length === 2 && method === 'GET') return { operation: 'ListAsyncInvokes', label: '' };
    if (parts.length === 3 && method === 'GET') return { operation: 'GetAsyncInvoke', label: parts[2]! };
  }
  return { operation: undefined, label: '' };
}

function decodeLabel(label: string, invalid: () => BedrockError): string {
  try {
    return decodeURIComponent(label);
  } catch {
    throw invalid();
  }
}

/** Reads the body; resolves `undefined` when it exceeds the limit. */
function readBody(req: Request): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of query) {
    const previous = result[key];
    result[key] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return result;
}

const isJson = (mediaType: string) => /^application\/json\s*(;|$)/i.test(mediaType);
/** Whether an Accept header admits JSON (`application/json`, `application/*` or `*\/*`, any parameters). */
const acceptsJson = (accept: string) =>
  accept.split(',').some((range) => /^\s*(application\/json|application\/\*|\*\/\*)\s*(;|$)/i.test(range));

/**
 * InvokeModel's `modelId` pattern from the Smithy model, anchored as the service applies it (the
 * model's alternatives are not anchored on their own, yet AWS answers `a/b` with this error).
 */
const INVOKE_MODEL_ID_SOURCE =
  '(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}/[a-z0-9]{12})|(:foundation-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|([0-9]{12}:imported-model/[a-z0-9]{12})|([0-9]{12}:provisioned-model/[a-z0-9]{12})|([0-9]{12}:custom-model-deployment/[a-z0-9]{12})|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|(([0-9a-zA-Z][_-]?)+)|([a-zA-Z0-9-:.]+)';
const INVOKE_MODEL_ID = new RegExp(`^(${INVOKE_MODEL_ID_SOURCE})$`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a local Bedrock Runtime (and, unless `s3.endpoint` is given, an S3-compatible server)
 * on loopback. Call `stop()` when done.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'us-east-1';
  const host = options.host ?? '127.0.0.1';
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId)) throw new RangeError(`accountId must be 12 digits, got '${accountId}'`);
  const credentials = options.credentials ?? generateCredentials();
  const apiKeys = options.apiKeys?.length ? options.apiKeys : [generateApiKey(accountId)];

  const settings = {
    latency: options.latency ?? {},
    asyncJobDurationMs: options.asyncJobDurationMs ?? 200,
    failAsyncJobs: options.failAsyncJobs,
    batchJobStateMs: options.batchJobStateMs ?? 100,
    batchMinRecords: options.batchMinRecords ?? 100,
    onRequest: options.onRequest,
    deny: options.deny,
  };
  const stats = new StatsCounter();
  const resolver = new ModelResolver(models);
  const profiles = new ApplicationProfiles(region, accountId, resolver);
  profiles.replace(options.applicationProfiles ?? {});
  const quotas = new QuotaTracker(options.quotas);
  const faults = new FaultInjector(options.faults);
  const auth = new Authenticator(options.auth ?? 'verify', region, [credentials], apiKeys);
  const s3: S3Store = options.s3?.endpoint
    ? externalS3(options.s3.endpoint, options.s3.region ?? region, options.s3.credentials ?? credentials)
    : await startBuiltInS3({ host, region, accountId, credentials, buckets: options.buckets ?? [] });
  const jobs = new AsyncJobs({
    region,
    accountId,
    resolver,
    s3,
    durationMs: () => settings.asyncJobDurationMs,
    failureRule: () => settings.failAsyncJobs,
  });
  const batchJobs = new BatchJobs({
    region,
    accountId,
    resolver,
    s3,
    stateMs: () => settings.batchJobStateMs,
    minRecords: () => settings.batchMinRecords,
  });

  /** Operations served beside Bedrock Runtime's: one line per capability. */
  const context: RouteContext = { region, accountId, resolver, models, s3, profiles };
  const routes: Route[] = [...controlPlaneRoutes(context), ...batchJobRoutes(batchJobs)];

  const sockets = new Set<net.Socket>();
  const sessionSockets = new WeakMap<http2.Http2Session, net.Socket>();
  /** Requests answered by the 'hang' fault: how to let each go. */
  const held = new Set<() => void>();

  /** The raw TCP socket of a request, over either protocol. */
  const socketOf = (req: Request): net.Socket | undefined =>
    req instanceof http2.Http2ServerRequest ? sessionSockets.get(req.stream.session!) : req.socket;

  function send(exchange: Exchange, status: number, payload: string, headers?: OutgoingHttpHeaders) {
    exchange.status = status;
    try {
      exchange.res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'x-amzn-requestid': exchange.requestId,
        ...headers,
      });
      exchange.res.end(payload);
    } catch {
      // The client went away (e.g. its HTTP/2 stream was cancelled); nothing to answer.
    }
  }

  function sendError(exchange: Exchange, error: unknown) {
    const failure =
      error instanceof BedrockError
        ? error
        : error instanceof EmulatedValidationError
          ? validation(error.message)
          : new BedrockError(500, 'InternalServerException', `Emulator error: ${(error as Error)?.message}`);
    exchange.errorType = failure.type;
    send(exchange, failure.status, JSON.stringify({ message: failure.message }), {
      'x-amzn-errortype': failure.type,
    });
  }

  /** The 'hang' fault: never answer; the request is let go (its connection closed) on reset or stop. */
  function hold(req: Request, res: Response) {
    const release = () => {
      held.delete(release);
      if (req instanceof http2.Http2ServerRequest) req.stream.close(http2.constants.NGHTTP2_CANCEL);
      else req.socket.destroy();
    };
    held.add(release);
    res.once('close', () => held.delete(release));
  }

  function parseJsonBody(body: Buffer): unknown {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw validation('Malformed input request, please reformat your input and try again.');
    }
  }

  async function invokeModel(label: string, req: Request, body: Buffer, exchange: Exchange) {
    const requestedId = decodeLabel(label, () => validation('The provided model identifier is invalid.'));
    if (requestedId.length > 2048 || !INVOKE_MODEL_ID.test(requestedId)) {
      throw constraintViolation(
        requestedId,
        'modelId',
        `Member must satisfy regular expression pattern: ${INVOKE_MODEL_ID_SOURCE}`,
      );
    }
    const { model, baseModelId, viaProfile } = resolver.forInvoke(requestedId);
    exchange.modelId = baseModelId;
    stats.model(baseModelId);
    // boto3 and the AWS CLI send no Content-Type (nor Accept) unless told to; Bedrock reads the body as
    // JSON then. A type that is given must be JSON.
    const contentType = req.headers['content-type'];
    if (contentType && !isJson(contentType)) {
      throw validation(`The provided Content-Type '${contentType}' is not supported. Use application/json.`);
    }
    const accept = req.headers.accept;
    if (accept && !acceptsJson(accept)) {
      throw validation(`The provided Accept Type '${accept}' is not supported. Use application/json.`);
    }
    const json = parseJsonBody(body);
    const now = Date.now();
    try {
      quotas.checkRequest(baseModelId, now);
    } catch (error) {
      stats.throttled++;
      throw error;
    }
    const result = model.invoke(json, { requestedId, baseModelId, viaProfile, region });
    try {
      quotas.consume(baseModelId, result.tokens, now);
    } catch (error) {
      stats.throttled++;
      throw error;
    }
    const payload = responseJson(result.body);
    const latencyMs = (settings.latency.fixedMs ?? 0) + (settings.latency.perItemMs ?? 0) * result.items;
    if (latencyMs > 0) await sleep(latencyMs);
    const headers: OutgoingHttpHeaders = { 'x-amzn-bedrock-invocation-latency': Math.round(latencyMs) };
    if (result.inputTokenCount !== undefined) {
      headers['x-amzn-bedrock-input-token-count'] = result.inputTokenCount;
    }
    send(exchange, 200, payload, headers);
  }

  async function answerRoute(
    route: Route,
    rawParams: Record<string, string>,
    req: Request,
    query: URLSearchParams,
    body: Buffer,
    exchange: Exchange,
  ) {
    const params: Record<string, string> = {};
    for (const [name, raw] of Object.entries(rawParams)) {
      params[name] = decodeLabel(raw, () => validation(`The provided ${name} is invalid.`));
    }
    const answer = await route.handle({
      method: route.method,
      params,
      query,
      headers: req.headers,
      body,
      json: () => parseJsonBody(body),
      setModel(baseModelId) {
        exchange.modelId = baseModelId;
        stats.model(baseModelId);
      },
    });
    send(exchange, answer.status ?? 200, JSON.stringify(answer.body), answer.headers);
  }

  async function handle(req: Request, res: Response) {
    const started = performance.now();
    const exchange: Exchange = { res, requestId: randomUUID() };
    const url = req.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
    const method = req.method ?? 'GET';
    const runtime = runtimeRoute(method, path);
    const matched = runtime.operation ? undefined : matchRoute(routes, method, path);
    const operation = runtime.operation ?? matched?.route.operation;
    const label = runtime.label;
    stats.requestStarted(operation ?? 'Unknown');
    res.once('close', () => {
      stats.requestEnded();
      settings.onRequest?.({
        requestId: exchange.requestId,
        method,
        path,
        operation,
        modelId: exchange.modelId,
        status: exchange.status,
        errorType: exchange.errorType,
        fault: exchange.fault,
        durationMs: performance.now() - started,
      });
    });
    try {
      const body = await readBody(req);
      if (body === undefined) {
        throw validation(
          `1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to ${MAX_BODY_BYTES}`,
        );
      }
      await auth.verify({ method, path, query: queryObject(query), headers: req.headers, body });
      if (!operation) {
        throw new BedrockError(404, 'UnknownOperationException', `Unknown operation: ${method} ${path}`);
      }
      if (settings.deny?.includes(operation)) throw accessDenied(operation, accountId);
      const fault = faults.next(operation);
      if (fault) {
        stats.faultsInjected[fault]++;
        exchange.fault = fault;
        if (fault === 'reset') {
          socketOf(req)?.resetAndDestroy();
          return;
        }
        if (fault === 'hang') return hold(req, res);
        throw faultError(fault);
      }
      switch (operation) {
        case 'InvokeModel':
          return await invokeModel(label, req, body, exchange);
        case 'StartAsyncInvoke': {
          const { invocationArn, baseModelId } = jobs.start(parseJsonBody(body));
          exchange.modelId = baseModelId;
          stats.model(baseModelId);
          return send(exchange, 200, JSON.stringify({ invocationArn }));
        }
        case 'GetAsyncInvoke': {
          const arn = decodeLabel(label, () => validation('The provided invocation ARN is invalid.'));
          return send(exchange, 200, JSON.stringify(jobs.get(arn)));
        }
        case 'ListAsyncInvokes':
          return send(exchange, 200, JSON.stringify(jobs.list(query)));
        case 'Rerank': {
          const answer = rerank(parseJsonBody(body), region);
          exchange.modelId = answer.modelId;
          stats.model(answer.modelId);
          return send(exchange, 200, JSON.stringify(answer.body));
        }
      }
      if (matched) return await answerRoute(matched.route, matched.params, req, query, body, exchange);
    } catch (error) {
      sendError(exchange, error);
    }
  }

  const onRequest = (req: Request, res: Response) => void handle(req, res);
  // Generous keep-alive so pooled HTTP/1.1 clients rarely race a server-side close.
  const http1 = http.createServer(
    { keepAliveTimeout: 65_000, headersTimeout: 66_000, requestTimeout: 0 },
    onRequest,
  );
  const h2c = http2.createServer({}, onRequest);
  let handingOver: net.Socket | undefined;
  h2c.on('session', (session) => {
    if (handingOver) sessionSockets.set(session, handingOver);
  });

  /** Reads the first bytes, puts them back and gives the socket to the server of its protocol. */
  function dispatch(socket: net.Socket) {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      const head = Buffer.concat(chunks, length);
      const compared = Math.min(head.length, HTTP2_PREFACE.length);
      const isHttp2 = head.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      // "PRI " is unique to the HTTP/2 preface; fewer bytes cannot tell it from e.g. "PROPFIND".
      if (isHttp2 && length < 4) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (isHttp2) {
        // The HTTP/2 session reads the bytes put back itself.
        handingOver = socket;
        h2c.emit('connection', socket);
        handingOver = undefined;
      } else {
        http1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  }

  const server = net.createServer((socket) => {
    stats.connections++;
    stats.openConnections++;
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      stats.openConnections--;
    });
    socket.on('error', () => {});
    dispatch(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await s3.stop(); // e.g. the port is taken: do not leave the built-in S3 running
    throw error;
  }
  const { port } = server.address() as net.AddressInfo;
  let stopping: Promise<void> | undefined;

  const releaseHeld = () => {
    for (const release of [...held]) release();
  };

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    s3Endpoint: s3.endpoint,
    region,
    accountId,
    credentials,
    apiKey: apiKeys[0]!,
    expectedEmbedding,
    registerApplicationProfile: (profile) => profiles.register(profile),
    stats: () => stats.snapshot(),
    reset() {
      releaseHeld();
      stats.reset();
      quotas.reset();
      faults.reseed();
      jobs.reset();
      batchJobs.reset();
    },
    configure(changes) {
      if ('latency' in changes) settings.latency = changes.latency ?? {};
      if ('asyncJobDurationMs' in changes) settings.asyncJobDurationMs = changes.asyncJobDurationMs ?? 200;
      if ('failAsyncJobs' in changes) settings.failAsyncJobs = changes.failAsyncJobs;
      if ('batchJobStateMs' in changes) settings.batchJobStateMs = changes.batchJobStateMs ?? 100;
      if ('batchMinRecords' in changes) settings.batchMinRecords = changes.batchMinRecords ?? 100;
      if ('onRequest' in changes) settings.onRequest = changes.onRequest;
      if ('deny' in changes) settings.deny = changes.deny;
      if ('quotas' in changes) quotas.configure(changes.quotas);
      if ('faults' in changes) faults.configure(changes.faults);
      if ('applicationProfiles' in changes) profiles.replace(changes.applicationProfiles ?? {});
    },
    stop() {
      stopping ??= (async () => {
        releaseHeld();
        const closed = new Promise((resolve) => server.close(resolve));
        for (const socket of sockets) socket.destroy();
        await closed;
        await jobs.stop();
        await batchJobs.close();
        await s3.stop();
      })();
      return stopping;
    },
  };
}
