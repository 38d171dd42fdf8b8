/**
 * The wire: Bedrock Runtime clients (credentials, region, connection reuse), one InvokeModel call
 * with its token-count header and request id, and the mapping of SDK errors to our typed errors.
 */
import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  InvokeModelCommand,
  type InvokeModelCommandInput,
  type InvokeModelCommandOutput,
} from '@aws-sdk/client-bedrock-runtime';
import type { BuildMiddleware, HttpRequest, HttpResponse } from '@smithy/types';
import {
  AuthError,
  type BedrockEmbeddingsError,
  MalformedResponseError,
  ServiceError,
  type ServiceErrorDetails,
  ThrottlingError,
  TimeoutError,
  ValidationError,
} from './errors.js';
import { createRequestHandler } from './http-handler.js';
import { env, userAgentConfig, utf8Decode } from './runtime.js';
import type { ClientOptions } from './types.js';

/** What one successful InvokeModel call gives back. */
export interface InvokeResult {
  /** The response body, JSON-parsed. */
  body: unknown;
  /** `x-amzn-bedrock-input-token-count`, when Bedrock sent it. */
  headerInputTokens?: number;
  requestId?: string;
  /** The HTTP response headers. */
  headers?: Record<string, string>;
}

/** Bedrock Runtime clients for one `createBedrockEmbeddings` instance, one per region in use. */
export interface Transport {
  /** The client for a region (an ARN's), or the configured one. */
  client(arnRegion?: string): BedrockRuntimeClient;
  invoke(
    modelId: string,
    body: string,
    options: { region?: string; signal: AbortSignal; headers?: Record<string, string> },
  ): Promise<InvokeResult>;
  /** Removes known secrets from a message (defence in depth: AWS messages should hold none). */
  redact(message: string): string;
}

const TOKEN_HEADER = 'x-amzn-bedrock-input-token-count';

/**
 * A credentials provider that threw, as the SDK's name for it (so it maps to `AuthError`). Its
 * message is not kept, nor the error itself: a provider's message may hold a token or a key.
 */
class CredentialsFailure extends Error {
  override name = 'CredentialsProviderError';
}

/**
 * Wraps a credentials provider function so that its failure is an auth failure that does not
 * repeat the provider's message (only its error class).
 */
export function guardCredentials<T>(credentials: T): T {
  if (typeof credentials !== 'function') return credentials;
  const provider = credentials as (...args: unknown[]) => Promise<unknown>;
  return (async (...args: unknown[]) => {
    try {
      return await provider(...args);
    } catch (error) {
      const kind = error instanceof Error ? error.name : typeof error;
      throw new CredentialsFailure(
        `the credentials provider failed (${kind}); its message is not repeated here, as it may hold a secret`,
      );
    }
  }) as T;
}

/** Characters an HTTP header value may not hold (control characters, e.g. a trailing newline). */
const INVALID_HEADER_CHARS = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Builds the transport. Connections are kept alive and capped at `maxConcurrency` per host; the
 * handler is the runtime's (`http-handler.ts`: Node's agents, or `fetch` in the edge build).
 */
export function createTransport(options: ClientOptions, maxConcurrency: number): Transport {
  const apiKey = options.apiKey;
  const knownSecrets = new Set<string>();
  const remember = (...secrets: Array<string | undefined>) => {
    for (const secret of secrets)
      if (typeof secret === 'string' && secret.length >= 8) knownSecrets.add(secret);
  };
  // The default chain reads these from the environment; files and other sources stay unknown.
  remember(apiKey, env('AWS_BEARER_TOKEN_BEDROCK'), env('AWS_SECRET_ACCESS_KEY'), env('AWS_SESSION_TOKEN'));
  let credentials = options.credentials;
  if (typeof credentials === 'object') remember(credentials.secretAccessKey, credentials.sessionToken);
  if (typeof credentials === 'function') {
    // A provider's secrets are learnt as it hands them out, so errors are redacted of them too.
    const provider = guardCredentials(credentials);
    credentials = async (...args) => {
      const identity = await provider(...args);
      remember(identity.secretAccessKey, identity.sessionToken);
      return identity;
    };
  }
  const redact = (message: string): string =>
    [...knownSecrets].reduce((text, secret) => text.split(secret).join('[redacted]'), message);

  const ready = options.client;
  const baseRegion = options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
  const clients = new Map<string, BedrockRuntimeClient>();
  let requestHandler: ReturnType<typeof createRequestHandler> | undefined;

  // The bearer token the SDK would send: `apiKey`, else AWS_BEARER_TOKEN_BEDROCK when nothing overrides it.
  const bearerSource =
    apiKey !== undefined
      ? 'apiKey'
      : options.credentials === undefined && options.profile === undefined && env('AWS_BEARER_TOKEN_BEDROCK')
        ? 'AWS_BEARER_TOKEN_BEDROCK'
        : undefined;
  const bearer = bearerSource === 'apiKey' ? apiKey : env('AWS_BEARER_TOKEN_BEDROCK');

  const client = (arnRegion?: string): BedrockRuntimeClient => {
    if (ready !== undefined) return ready;
    if (bearerSource !== undefined && INVALID_HEADER_CHARS.test(bearer ?? '')) {
      // Node would refuse the Authorization header with a TypeError quoting nothing useful.
      throw new AuthError(
        `The Bedrock API key in \`${bearerSource}\` holds a character an HTTP header cannot carry (a control character such as a trailing newline): remove it.`,
        { awsErrorName: 'InvalidBearerToken' },
      );
    }
    // A model ARN is invoked in its own region; a fixed endpoint (the emulator, a VPC endpoint)
    // keeps the configured region, which it signs for.
    const region = options.endpoint === undefined ? (arnRegion ?? baseRegion) : (baseRegion ?? arnRegion);
    const key = region ?? '';
    let existing = clients.get(key);
    if (existing === undefined) {
      requestHandler ??= createRequestHandler(maxConcurrency);
      const config: BedrockRuntimeClientConfig = {
        requestHandler,
        ...userAgentConfig(),
        // The one retry layer is ours (run.ts); the SDK's would multiply the attempts.
        maxAttempts: 1,
        ...(region === undefined ? {} : { region }),
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        ...(options.profile === undefined ? {} : { profile: options.profile }),
        ...(credentials === undefined ? {} : { credentials }),
      };
      if (apiKey !== undefined) {
        config.token = { token: apiKey };
        config.authSchemePreference = ['httpBearerAuth'];
      } else if (options.credentials !== undefined || options.profile !== undefined) {
        // Explicit credentials win over an AWS_BEARER_TOKEN_BEDROCK in the environment, which the
        // SDK would otherwise prefer.
        config.authSchemePreference = ['sigv4'];
      }
      existing = new BedrockRuntimeClient(config);
      clients.set(key, existing);
    }
    return existing;
  };

  const invoke: Transport['invoke'] = async (modelId, body, { region, signal, headers }) => {
    const command = new InvokeModelCommand({
      modelId,
      body,
      contentType: 'application/json',
      accept: 'application/json',
    });
    let responseHeaders: Record<string, string> | undefined;
    const middleware: BuildMiddleware<InvokeModelCommandInput, InvokeModelCommandOutput> =
      (next) => async (args) => {
        if (headers !== undefined) Object.assign((args.request as HttpRequest).headers, headers);
        const result = await next(args);
        responseHeaders = (result.response as HttpResponse).headers;
        return result;
      };
    command.middlewareStack.add(middleware, { step: 'build', name: 'bedrockEmbeddingsHeaders' });
    const output = await client(region).send(command, { abortSignal: signal });
    const raw = output.body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8Decode(raw));
    } catch (cause) {
      const requestId = output.$metadata.requestId;
      const type = output.contentType ?? responseHeaders?.['content-type'] ?? 'none';
      const detail = `the body of HTTP ${output.$metadata.httpStatusCode ?? 200} is not JSON (content-type ${type}, ${raw.byteLength} bytes): a proxy or captive portal in front of Bedrock may have answered.`;
      throw new MalformedResponseError(
        `Malformed response from ${modelId}: ${detail}${requestId === undefined ? '' : ` [request id ${requestId}]`}`,
        {
          model: modelId,
          detail,
          ...(requestId === undefined ? {} : { requestId }),
          ...(output.$metadata.httpStatusCode === undefined
            ? {}
            : { statusCode: output.$metadata.httpStatusCode }),
          cause,
        },
      );
    }
    const tokenHeader = responseHeaders?.[TOKEN_HEADER];
    const tokens = tokenHeader === undefined ? Number.NaN : Number(tokenHeader);
    return {
      body: parsed,
      ...(Number.isInteger(tokens) && tokens >= 0 ? { headerInputTokens: tokens } : {}),
      ...(output.$metadata.requestId === undefined ? {} : { requestId: output.$metadata.requestId }),
      ...(responseHeaders === undefined ? {} : { headers: responseHeaders }),
    };
  };

  return { client, invoke, redact };
}

// ---------------------------------------------------------------------------------------------
// Error classification and mapping
// ---------------------------------------------------------------------------------------------

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { statusCode?: number; headers?: Record<string, string> };
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ModelNotReadyException',
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelTimeoutException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** Node socket errors worth another attempt: the connection went, not the request's content. */
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EAI_AGAIN',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'UND_ERR_SOCKET',
]);
const AUTH_NAMES = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'CredentialsProviderError',
  'TokenProviderError',
]);

function shapeOf(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

function statusOf(error: SdkErrorShape): number | undefined {
  return error.$metadata?.httpStatusCode ?? error.$response?.statusCode;
}

/**
 * Whether another attempt may succeed: throttling (429), model not ready, 5xx, model timeouts
 * (408) and dropped connections. Never validation (400) or auth (403) errors.
 */
export function isRetryable(error: unknown): boolean {
  const shape = shapeOf(error);
  if (shape.name !== undefined && RETRYABLE_NAMES.has(shape.name)) return true;
  if (shape.code !== undefined && CONNECTION_CODES.has(shape.code)) return true;
  const status = statusOf(shape);
  if (status !== undefined) return RETRYABLE_STATUS.has(status);
  // No HTTP answer at all: a socket that closed mid-response ("socket hang up").
  return (
    shape.$metadata === undefined && /socket hang up|ECONNRESET|premature close/i.test(shape.message ?? '')
  );
}

/** Whether the service throttled the request (429, `ThrottlingException`, S3's 503 `SlowDown`). */
export function isThrottling(error: unknown): boolean {
  const shape = shapeOf(error);
  return shape.name === 'ThrottlingException' || shape.name === 'SlowDown' || statusOf(shape) === 429;
}

/** `retry-after` of a throttling answer in ms (seconds or an HTTP date), when sent. */
export function retryAfterMs(error: unknown): number | undefined {
  const headers = shapeOf(error).$response?.headers;
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Cuts the raw HTTP exchange off an SDK error before it becomes the `cause` of one of ours. The SDK
 * keeps the response stream on its errors (`$response.body`), and through it the request
 * (`body.req`) with its headers: a bearer API key and the session token in clear. `$response` itself
 * cannot be removed (the SDK makes it read-only), but its `body` can; status and headers stay.
 */
export function withoutRawExchange<T>(error: T): T {
  const response = shapeOf(error).$response as { body?: unknown } | undefined;
  if (typeof response?.body === 'object' && response.body !== null) {
    try {
      response.body = undefined;
    } catch {
      // A frozen response cannot be cut; nothing we created holds it then.
    }
  }
  return error;
}

/**
 * Maps an SDK or socket error (after the retry layer gave up) to our typed errors, with the
 * model, the AWS error name, status, request id and attempts. Messages carry AWS's text, never
 * configuration or headers, and the SDK error kept as `cause` loses its raw HTTP exchange.
 */
export function toBedrockError(
  error: unknown,
  context: { model: string; attempts: number; timedOutAfterMs?: number; redact: (text: string) => string },
): BedrockEmbeddingsError {
  const { model, attempts } = context;
  withoutRawExchange(error);
  if (context.timedOutAfterMs !== undefined) {
    return new TimeoutError(
      `${model}: no response within ${context.timedOutAfterMs} ms (requestTimeoutMs), after ${attempts} attempt(s).`,
      { model, cause: error },
    );
  }
  const shape = shapeOf(error);
  const status = statusOf(shape);
  const awsErrorName = shape.name === 'Error' ? shape.code : shape.name;
  const requestId = shape.$metadata?.requestId;
  const text = context.redact(shape.message ?? String(error));
  // The SDK error becomes our `cause`: its message must not keep what ours had redacted.
  if (error instanceof Error && error.message !== context.redact(error.message)) {
    error.message = context.redact(error.message);
    if (error.stack !== undefined) error.stack = context.redact(error.stack);
  }
  const details: ServiceErrorDetails = {
    model,
    cause: error,
    attempts,
    ...(awsErrorName === undefined ? {} : { awsErrorName }),
    ...(status === undefined ? {} : { statusCode: status }),
    ...(requestId === undefined ? {} : { requestId }),
  };
  const asked = retryAfterMs(error);
  if (asked !== undefined) details.retryAfterMs = asked;
  const where = `${awsErrorName ?? 'Error'}${status === undefined ? '' : ` (HTTP ${status})`}`;
  const suffix = `${requestId === undefined ? '' : ` [request id ${requestId}]`}${attempts > 1 ? ` after ${attempts} attempts` : ''}${
    asked === undefined
      ? ''
      : ` (the service asked to retry after ${Math.round(asked / 1000)} s; waits are capped at retry.maxDelayMs)`
  }`;
  let message = `Bedrock ${where} for ${model}: ${text}${suffix}`;
  if (status !== undefined && (shape.name === 'SyntaxError' || /Deserialization error/i.test(text))) {
    // The SDK could not read the error body: not Bedrock's JSON but a proxy's or load balancer's page.
    const headers = shape.$response?.headers ?? {};
    const type = headers['content-type'] ?? headers['Content-Type'] ?? 'none';
    message = `HTTP ${status} for ${model} is not a Bedrock error: its body is not JSON (content-type ${type}); a proxy or load balancer in front of Bedrock answered${suffix}.`;
    delete details.awsErrorName;
  }

  if (status === undefined && /region is missing/i.test(text)) {
    return new ValidationError(
      `${model}: no AWS region: pass \`region\`, or set AWS_REGION / AWS_DEFAULT_REGION.`,
      {
        model,
        parameter: 'region',
        cause: error,
      },
    );
  }
  if (status === undefined && /invalid region|region not accepted/i.test(text)) {
    return new ValidationError(
      `${model}: invalid AWS region: a region is a name like us-east-1 (from \`region\`, AWS_REGION or the model ARN).`,
      { model, parameter: 'region', cause: error },
    );
  }
  if (
    awsErrorName === 'ThrottlingException' ||
    (status === 429 && awsErrorName !== 'ModelNotReadyException')
  ) {
    return new ThrottlingError(message, details);
  }
  if (status === 401 || status === 403 || (awsErrorName !== undefined && AUTH_NAMES.has(awsErrorName))) {
    return new AuthError(message, details);
  }
  if (
    awsErrorName === 'ValidationException' ||
    (status === 400 && awsErrorName !== 'ServiceQuotaExceededException')
  ) {
    return new ValidationError(message, details);
  }
  return new ServiceError(message, { ...details, retryable: isRetryable(error) });
}
