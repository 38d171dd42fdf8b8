/**
 * # `embed`: N inputs, N vectors in input order, or a typed error
 *
 * route (and look up an application profile) -> normalise inputs -> check parameters -> family
 * validation -> cache lookup -> plan (`plan.ts`: the fewest requests the model allows) -> run
 * (`runAll` over `sendBatch` in `send.ts`: the client's limiter, per-model pacer and retry layer;
 * every answer checked by `check.ts`) -> assemble in input order, usage and cost of what was sent.
 * `embedStream` (`../stream/`) shares `prepareCall` and `sendBatch`.
 */
import { lookupCache } from '../cache/index.js';
import { atInput, normalizeInputs } from '../inputs.js';
import { checkInvocation } from '../params.js';
import type { ProfileResolver } from '../profiles/index.js';
import { runAll } from '../run.js';
import { checkSignal } from '../signals.js';
import { ProgressMeter } from '../stream/progress.js';
import { traceCall } from '../telemetry/index.js';
import type { BedrockEmbeddings, ClientOptions, EmbeddingType, EmbedRequest, EmbedResult } from '../types.js';
import { estimateCost, sumUsage } from '../usage.js';
import { planRequests } from './plan.js';
import { encodingFormats, prepareCall, type SendContext, sendBatch } from './send.js';

/** The `embed` method of a client. */
export function createEmbedApi(
  send: SendContext,
  options: ClientOptions,
  profiles: ProfileResolver,
): Pick<BedrockEmbeddings, 'embed'> {
  return { embed: (request) => embed(send, options, profiles, request) };
}

async function embed(
  send: SendContext,
  options: ClientOptions,
  profiles: ProfileResolver,
  request: EmbedRequest,
): Promise<EmbedResult> {
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
        { workers: send.limiter.limit, model, signal },
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
