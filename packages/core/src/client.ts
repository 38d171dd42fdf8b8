/**
 * `createBedrockEmbeddings`: the public client. `embed` runs the synchronous path:
 * route -> normalise inputs -> check parameters -> family validation -> plan -> run -> assemble.
 */
import { createAsyncApi } from './async.js';
import { createBatchApi } from './batch/index.js';
import { lookupCache } from './cache/index.js';
import { ValidationError } from './errors.js';
import { atInput, normalizeInputs } from './inputs.js';
import { checkInvocation } from './params.js';
import { planRequests } from './plan.js';
import { createProfileResolver } from './profiles/index.js';
import { createRerankApi } from './rerank/index.js';
import { resolveModel } from './routing.js';
import { Limiter, Pacer, retryPolicy, runAll } from './run.js';
import { encodingFormats, prepareCall, type SendContext, sendBatch } from './send.js';
import { checkSignal } from './signals.js';
import { createStreamApi, ProgressMeter } from './stream/index.js';
import { traceCall } from './telemetry/index.js';
import { createTransport } from './transport.js';
import type { BedrockEmbeddings, ClientOptions, EmbeddingType, EmbedRequest, EmbedResult } from './types.js';
import { estimateCost, sumUsage } from './usage.js';

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

  async function embed(request: EmbedRequest): Promise<EmbedResult> {
    const route = { family: request.family, baseModel: request.baseModel };
    const call = prepareCall(
      request,
      await profiles.resolve(request.model, route, request.signal),
      options.region,
    );
    const { resolved, family, params, ctx } = call;
    const { model } = resolved;
    const inputs = normalizeInputs(request.inputs, model);
    checkInvocation(inputs, resolved, 'sync');
    const signal = checkSignal(request.signal, model);
    const validateCtx = { ...ctx, mode: 'sync' as const };
    for (let i = 0; i < inputs.length; i++) {
      try {
        family.validateInput(inputs[i]!, params, validateCtx);
      } catch (error) {
        throw atInput(error, `inputs[${i}]`);
      }
    }

    const cache = request.cache === false ? undefined : (request.cache ?? options.cache);
    const attributes = {
      'gen_ai.embeddings.dimension.count': params.dimensions,
      'gen_ai.request.encoding_formats': encodingFormats(params),
    };
    return traceCall(
      options.telemetry,
      { operation: 'embeddings', model: request.model, attributes },
      async (trace) => {
        const meter = new ProgressMeter(resolved.spec, request.onProgress);
        const cached = await lookupCache(cache, resolved.spec.id, params, inputs, call.warnings);
        const toSend = cached.misses.map((i) => inputs[i]!);
        if (cached.hitCount > 0) meter.settled(cached.hitCount);
        const planned = planRequests(toSend, resolved.spec.capabilities);
        const responses = await runAll(
          planned.length,
          async (index, signal) => {
            const { inputs: batch, indices } = planned[index]!;
            const answer = await sendBatch(send, call, batch, signal, meter.attempt, trace);
            meter.answered(batch, answer);
            meter.settled(batch.length);
            await cached.store(
              indices.map((i) => cached.misses[i]!),
              answer.parsed,
            );
            return answer;
          },
          { workers: limiter.limit, model, signal },
        );
        meter.report(true);

        // Assemble in input order: the cache's hits, then each response's vectors.
        const embeddings = new Array<number[]>(inputs.length);
        let byType: Partial<Record<EmbeddingType, number[][]>> | undefined;
        const put = (type: EmbeddingType, at: number, vector: number[]): void => {
          byType ??= {};
          const all = byType[type] ?? new Array<number[]>(inputs.length);
          byType[type] = all;
          all[at] = vector;
        };
        cached.hits.forEach((hit, i) => {
          if (hit === undefined) return;
          embeddings[i] = hit.embedding;
          for (const [type, vector] of Object.entries(hit.embeddingsByType ?? {})) {
            if (type !== 'float' && vector !== undefined) put(type as EmbeddingType, i, vector);
          }
        });
        for (let r = 0; r < planned.length; r++) {
          const { indices } = planned[r]!;
          const { parsed } = responses[r]!;
          for (let k = 0; k < indices.length; k++)
            embeddings[cached.misses[indices[k]!]!] = parsed.embeddings[k]!;
          for (const [type, vectors] of Object.entries(parsed.embeddingsByType ?? {})) {
            if (type === 'float' || vectors === undefined) continue;
            for (let k = 0; k < indices.length; k++)
              put(type as EmbeddingType, cached.misses[indices[k]!]!, vectors[k]!);
          }
        }
        // Usage and cost are of what was sent: cache hits cost nothing.
        const usage = sumUsage(
          toSend,
          responses.map((response) => response.tokens),
        );
        const costUsd = estimateCost(resolved.spec, toSend, usage);
        const requestIds: string[] = [];
        for (const response of responses)
          if (response.requestId !== undefined) requestIds.push(response.requestId);
        trace.setAttributes({
          'bedrock_embeddings.requests': planned.length,
          ...(cache === undefined ? {} : { 'bedrock_embeddings.cache_hits': cached.hitCount }),
        });
        return {
          embeddings,
          ...(byType === undefined ? {} : { embeddingsByType: byType }),
          usage,
          ...(costUsd === undefined ? {} : { costUsd }),
          warnings: call.warnings,
          model: request.model,
          modelId: resolved.modelId,
          family: resolved.family,
          requests: planned.length,
          ...(cache === undefined ? {} : { cacheHits: cached.hitCount }),
          requestIds,
          responseHeaders: responses.map((response) => response.headers),
        };
      },
    );
  }

  return {
    embed,
    describeModel: (model, family, baseModel) => resolveModel(model, { family, baseModel }),
    resolveModel: (model, route = {}) => profiles.resolve(model, route, route.signal),
    ...createAsyncApi({ options, transport, policy, timeoutMs, resolve: profiles.resolve }),
    ...createStreamApi(send),
    ...createBatchApi({ options, transport, policy, timeoutMs }),
    ...createRerankApi(send, options),
  };
}
