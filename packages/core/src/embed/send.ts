/**
 * One synchronous embedding call, shared by `embed` and `embedStream`: `prepareCall` checks the
 * model and parameters once; `sendBatch` sends one planned InvokeModel request through the
 * client's retry layer and pacer, and reads its answer (in a child span of the call's, with
 * telemetry). Every request either path sends goes through `sendBatch`: the single place for
 * per-request checks, spans and metering; the cache sits in front of it (`lookupCache`).
 */

import { ValidationError } from '../errors.js';
import { configuredRegion, lifecycleWarning } from '../lifecycle/index.js';
import { resolveParams } from '../params.js';
import type { ProfileResolver } from '../profiles/index.js';
import { getFamily } from '../registry.js';
import { resolveModel } from '../routing.js';
import type { Limiter, Pacer, RetryPolicy } from '../run.js';
import { withRetry } from '../run.js';
import type { CallTrace, RequestTrace } from '../telemetry/index.js';
import type { Transport } from '../transport.js';
import type {
  CommonParams,
  EmbeddingCache,
  EmbeddingWarning,
  FamilyContext,
  FamilyId,
  ModelFamily,
  NormalizedInput,
  ParsedResponse,
  ResolvedModel,
  ResolvedParams,
  TelemetryOptions,
} from '../types.js';
import { checkResponse, expectedParams, malformed, type ResponseExpectation } from './check.js';

/**
 * What every request of one client shares: the transport, the retry policy, the concurrency limit
 * (a slot is held per attempt only) and the pacers, one per model and region (`pacerFor`).
 */
export interface SendContext {
  transport: Transport;
  policy: RetryPolicy;
  timeoutMs: number;
  limiter: Limiter;
  /** The adaptive pacer of one `modelId region` key, or undefined with `retry.adaptive: false`. */
  pacerFor: (key: string) => Pacer | undefined;
  /** Routing with application inference profiles looked up, once per client. */
  resolve: ProfileResolver['resolve'];
  /** The client's embedding cache (a call's `cache` overrides it). */
  cache?: EmbeddingCache;
  /** The client's telemetry settings. */
  telemetry?: TelemetryOptions | false;
  /** The client's configured region (what a LEGACY-in-one-region model is judged by). */
  region?: string;
}

/** A call checked once: the model resolved, its family, the parameters with defaults applied. */
export interface PreparedCall {
  resolved: ResolvedModel;
  family: ModelFamily;
  params: ResolvedParams;
  warnings: EmbeddingWarning[];
  headers?: Record<string, string>;
  ctx: FamilyContext;
  /** The dimension and embedding types every answer is checked against. */
  expected: ResponseExpectation['params'];
}

/** The answer to one request: its vectors, tokens (body or header), request id and headers. */
export interface BatchResult {
  parsed: ParsedResponse;
  tokens: number | undefined;
  requestId: string | undefined;
  headers: Record<string, string>;
}

function checkHeaders(headers: unknown, model: string): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  if (
    typeof headers !== 'object' ||
    headers === null ||
    Object.values(headers).some((value) => typeof value !== 'string')
  ) {
    throw new ValidationError(`${model}: \`headers\` must map header names to strings.`, {
      model,
      parameter: 'headers',
    });
  }
  return headers as Record<string, string>;
}

/**
 * Routes the model and checks the call-level parameters (not the inputs, nor whether their
 * modalities and the id form can be invoked: `checkInvocation`).
 *
 * @throws ValidationError / UnsupportedParameterError / UnknownModelError before any request.
 */
export function prepareCall(
  request: CommonParams & {
    model: string;
    family?: FamilyId;
    baseModel?: string;
    headers?: Record<string, string>;
  },
  /** The model already resolved (an application inference profile looked up by `send.resolve`). */
  routed?: ResolvedModel,
  /** The client's configured region, for the lifecycle warning. */
  region?: string,
): PreparedCall {
  const resolved =
    routed ?? resolveModel(request.model, { family: request.family, baseModel: request.baseModel });
  const { model } = resolved;
  if (resolved.invoke === 'async') {
    throw new ValidationError(
      `${model} is an async_invoke route: start it with startAsyncEmbed, or use bedrock/${resolved.modelId} with embed.`,
      { model, parameter: 'model' },
    );
  }
  const family = getFamily(resolved.family);
  const { params, warnings } = resolveParams(request, resolved);
  const legacy = lifecycleWarning(resolved.spec, resolved.region ?? configuredRegion(region));
  if (legacy !== undefined) warnings.push(legacy);
  const headers = checkHeaders(request.headers, model);
  const ctx: FamilyContext = { model: resolved.spec, modelId: resolved.modelId };
  const expected = expectedParams(params, resolved.spec.capabilities.bodyFields);
  return {
    resolved,
    family,
    params,
    warnings,
    ...(headers === undefined ? {} : { headers }),
    ctx,
    expected,
  };
}

/**
 * Sends one planned request (at most the model's inputs per request) and parses the answer.
 * Each attempt waits for its model's pacer, then takes a slot of the client's `Limiter`, held only
 * while the attempt is in flight: a request waiting on a throttled model holds no slot.
 */
export async function sendBatch(
  send: SendContext,
  call: PreparedCall,
  batch: NormalizedInput[],
  signal: AbortSignal,
  /** Told of every attempt (`retry` false for the first): what progress reports count. */
  onAttempt?: (retry: boolean) => void,
  /** The call's span: the request gets a child span (retries and throttling as its events). */
  trace?: CallTrace,
): Promise<BatchResult> {
  if (trace === undefined) return sendOnce(send, call, batch, signal, onAttempt);
  const { resolved, params } = call;
  return trace.request(
    {
      'gen_ai.request.model': resolved.modelId,
      'gen_ai.embeddings.dimension.count': params.dimensions,
      'gen_ai.request.encoding_formats': encodingFormats(params),
      'bedrock_embeddings.inputs': batch.length,
    },
    async (span) => {
      if (span.recordInputs) {
        span.setAttributes({ 'bedrock_embeddings.input.texts': batch.map((input) => input.text ?? '') });
      }
      const answer = await sendOnce(send, call, batch, signal, onAttempt, span);
      span.setAttributes({ 'gen_ai.usage.input_tokens': answer.tokens, 'aws.request_id': answer.requestId });
      if (span.recordOutputs) {
        span.setAttributes({ 'bedrock_embeddings.embeddings': JSON.stringify(answer.parsed.embeddings) });
      }
      return answer;
    },
  );
}

/** `gen_ai.request.encoding_formats` of a call: float, and the other encodings asked for. */
export function encodingFormats(params: ResolvedParams): string[] {
  return ['float', ...(params.embeddingTypes ?? []).filter((type) => type !== 'float')];
}

function errorName(error: unknown): string {
  const { name } = (error ?? {}) as { name?: unknown };
  return typeof name === 'string' ? name : 'Error';
}

async function sendOnce(
  send: SendContext,
  call: PreparedCall,
  batch: NormalizedInput[],
  signal: AbortSignal,
  onAttempt?: (retry: boolean) => void,
  span?: RequestTrace,
): Promise<BatchResult> {
  const { resolved, family, params, ctx } = call;
  const { model } = resolved;
  // Bodies are built when sent, so a large job never holds them all in memory.
  // Each family merges `providerOptions` into its own body (Nova and Marengo nest them).
  const json = JSON.stringify(family.toRequestBody(batch, params, ctx));
  const key = `${resolved.modelId} ${resolved.region ?? ''}`;
  const pacer = send.pacerFor(key);
  let attempts = 0;
  const sent = await withRetry(
    (attemptSignal) => {
      onAttempt?.(attempts++ > 0);
      return send.transport.invoke(resolved.modelId, json, {
        signal: attemptSignal,
        region: resolved.region,
        headers: call.headers,
      });
    },
    {
      policy: send.policy,
      signal,
      timeoutMs: send.timeoutMs,
      model,
      redact: send.transport.redact,
      limiter: send.limiter,
      key,
      ...(pacer === undefined ? {} : { pacer }),
      ...(span === undefined
        ? {}
        : {
            onRetry: ({ attempt, delayMs, throttled, error }) => {
              if (throttled) span.event('throttled', { 'error.type': errorName(error) });
              span.event('retry', {
                'retry.attempt': attempt,
                'retry.delay_ms': Math.round(delayMs),
                'error.type': errorName(error),
              });
            },
          }),
    },
  );
  const expected = {
    model,
    modelId: resolved.modelId,
    family: resolved.family,
    count: batch.length,
    params: call.expected,
    ...(sent.requestId === undefined ? {} : { requestId: sent.requestId }),
  };
  let parsed: ParsedResponse;
  try {
    parsed = family.fromResponseBody(sent.body, batch.length, params, ctx);
  } catch (error) {
    throw malformed(error, expected);
  }
  checkResponse(parsed, expected);
  return {
    parsed,
    tokens: parsed.inputTokens ?? sent.headerInputTokens,
    requestId: sent.requestId,
    headers: sent.headers ?? {},
  };
}
