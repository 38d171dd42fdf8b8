/**
 * `createBedrockEmbeddings`: the public client. It builds what every call of the client shares (the
 * transport, the concurrency limit, one pacer per model and region, the retry policy, the profile
 * lookup) and hands it to each capability: `embed/`, `stream/`, `async/`, `batch/`, `rerank/`.
 */
import { createAsyncApi } from './async/index.js';
import { createBatchApi } from './batch/index.js';
import { createEmbedApi } from './embed/index.js';
import type { SendContext } from './embed/send.js';
import { ValidationError } from './errors.js';
import { createProfileResolver } from './profiles/index.js';
import { createRerankApi } from './rerank/index.js';
import { resolveModel } from './routing.js';
import { Limiter, Pacer, retryPolicy } from './run.js';
import { createStreamApi } from './stream/index.js';
import { createTransport } from './transport.js';
import type { BedrockEmbeddings, ClientOptions } from './types.js';

/** Requests in flight at once per client when `maxConcurrency` is not given. */
export const DEFAULT_MAX_CONCURRENCY = 16;
/** Per-attempt timeout when `requestTimeoutMs` is not given. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

function positiveInteger(value: number | undefined, fallback: number, parameter: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(`\`${parameter}\` must be a positive integer, not ${value}.`, { parameter });
  }
  return value;
}

/**
 * Creates a client for every Bedrock embedding model.
 *
 * Credentials, in order: a ready `client`; `apiKey` (Bedrock API key, bearer); `credentials`
 * or `profile`; else the AWS SDK's default chain (which also reads `AWS_BEARER_TOKEN_BEDROCK`).
 * Region: `region`, else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the SDK's config files; a
 * model ARN is invoked in its own region unless `endpoint` is set.
 * Requests in flight are capped at `maxConcurrency` (default 16) across all calls of the client;
 * throttling, 5xx, model timeouts and dropped connections are retried (`retry.maxAttempts`,
 * default 8, exponential backoff with full jitter), and while the service throttles, attempts are
 * paced at a rate it accepts (`retry.adaptive`, on by default).
 */
export function createBedrockEmbeddings(options: ClientOptions = {}): BedrockEmbeddings {
  const maxConcurrency = positiveInteger(options.maxConcurrency, DEFAULT_MAX_CONCURRENCY, 'maxConcurrency');
  const timeoutMs = positiveInteger(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, 'requestTimeoutMs');
  const policy = retryPolicy(options.retry);
  const transport = createTransport(options, maxConcurrency);
  const limiter = new Limiter(maxConcurrency);
  // AWS quotas are per model and region (and account): so is pacing, and so is the limiter's
  // queue, so one throttled model never slows another sharing this client.
  const pacers = new Map<string, Pacer>();
  const pacerFor = (key: string): Pacer | undefined => {
    if (!policy.adaptive) return undefined;
    let pacer = pacers.get(key);
    if (pacer === undefined) {
      pacer = new Pacer();
      pacers.set(key, pacer);
    }
    return pacer;
  };

  const profiles = createProfileResolver(options, { policy, timeoutMs, redact: transport.redact });
  const send: SendContext = {
    transport,
    policy,
    timeoutMs,
    limiter,
    pacerFor,
    resolve: profiles.resolve,
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
    ...(options.region === undefined ? {} : { region: options.region }),
  };

  return {
    ...createEmbedApi(send, options, profiles),
    describeModel: (model, family, baseModel) => resolveModel(model, { family, baseModel }),
    resolveModel: (model, route = {}) => profiles.resolve(model, route, route.signal),
    ...createAsyncApi({ options, transport, policy, timeoutMs, resolve: profiles.resolve }),
    ...createStreamApi(send),
    ...createBatchApi({ options, transport, policy, timeoutMs }),
    ...createRerankApi(send, options),
  };
}
