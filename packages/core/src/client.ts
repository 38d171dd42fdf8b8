/**
 * `createBedrockEmbeddings`: the public client. `embed` runs the synchronous path:
 * route -> normalise inputs -> check parameters -> family validation -> plan -> run -> assemble.
 */
import { createAsyncApi } from './async.js';
import { createBatchApi } from './batch/index.js';
import { ValidationError } from './errors.js';
import { atInput, normalizeInputs } from './inputs.js';
import { checkInvocation } from './params.js';
import { planRequests } from './plan.js';
import { createRerankApi } from './rerank/index.js';
import { resolveModel } from './routing.js';
import { Limiter, Pacer, retryPolicy, runAll } from './run.js';
import { prepareCall, type SendContext, sendBatch } from './send.js';
import { checkSignal } from './signals.js';
import { createStreamApi, ProgressMeter } from './stream/index.js';
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

  const send: SendContext = { transport, policy, timeoutMs, limiter, pacerFor };

  async function embed(request: EmbedRequest): Promise<EmbedResult> {
    const call = prepareCall(request);
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

    const meter = new ProgressMeter(resolved.spec, request.onProgress);
    const planned = planRequests(inputs, resolved.spec.capabilities);
    const responses = await runAll(
      planned.length,
      async (index, signal) => {
        const batch = planned[index]!.inputs;
        const answer = await sendBatch(send, call, batch, signal, meter.attempt);
        meter.answered(batch, answer);
        meter.settled(batch.length);
        return answer;
      },
      { workers: limiter.limit, model, signal },
    );
    meter.report(true);

    // Assemble in input order.
    const embeddings = new Array<number[]>(inputs.length);
    let byType: Partial<Record<EmbeddingType, number[][]>> | undefined;
    for (let r = 0; r < planned.length; r++) {
      const { indices } = planned[r]!;
      const { parsed } = responses[r]!;
      for (let k = 0; k < indices.length; k++) embeddings[indices[k]!] = parsed.embeddings[k]!;
      for (const [type, vectors] of Object.entries(parsed.embeddingsByType ?? {})) {
        if (type === 'float' || vectors === undefined) continue;
        byType ??= {};
        const all = byType[type as EmbeddingType] ?? new Array<number[]>(inputs.length);
        byType[type as EmbeddingType] = all;
        for (let k = 0; k < indices.length; k++) all[indices[k]!] = vectors[k]!;
      }
    }
    const usage = sumUsage(
      inputs,
      responses.map((response) => response.tokens),
    );
    const costUsd = estimateCost(resolved.spec, inputs, usage);
    const requestIds: string[] = [];
    for (const response of responses)
      if (response.requestId !== undefined) requestIds.push(response.requestId);
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
      requestIds,
      responseHeaders: responses.map((response) => response.headers),
    };
  }

  return {
    embed,
    describeModel: (model, family, baseModel) => resolveModel(model, { family, baseModel }),
    ...createAsyncApi({ options, transport, policy, timeoutMs }),
    ...createStreamApi(send),
    ...createBatchApi({ options, transport, policy, timeoutMs }),
    ...createRerankApi(send, options),
  };
}
