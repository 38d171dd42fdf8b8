/**
 * # Rerank
 *
 * `bedrock.rerank({ model, query, documents, topN?, maxTokensPerDoc?, returnDocuments?, api? })` scores
 * documents against a query with a Bedrock reranker and returns them best first:
 * `{ results: [{ index, relevanceScore, document? }], usage, costUsd?, model, modelId, api, requestIds }`.
 *
 * - Models: Cohere Rerank 3.5 (`cohere.rerank-v3-5:0`) and Amazon Rerank 1.0 (`amazon.rerank-v1:0`),
 *   one file each (`cohere-rerank.ts`, `amazon-rerank.ts`) with their regions, limits and bodies.
 * - Two wires, one result. The Bedrock Agent Runtime `Rerank` operation
 *   (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_agent-runtime_Rerank.html) takes a
 *   foundation-model ARN in the client's own region (built from the id and the region; another region
 *   is refused before sending, as AWS refuses cross-Region reranking), text and JSON documents, SigV4
 *   credentials only. InvokeModel takes base ids, profiles and application inference profile ARNs,
 *   Bedrock API keys, text documents. Default: each model's `defaultApi` (Cohere: invoke, Amazon: rerank);
 *   object documents choose the Rerank API, opaque ids and API keys InvokeModel.
 * - Documents: 1 to 1,000 (the Rerank API's maximum of sources), texts or JSON objects; images and other
 *   media are refused ("You can use reranking for only textual data",
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/rerank.html). A call larger than one request's
 *   worth (`maxDocumentsPerRequest`, or InvokeModel's 25,000,000-byte body) is split into concurrent
 *   requests whose results are merged by score: a reranker scores each document on its own, so scores
 *   of different requests compare.
 * - Every answer is checked: indices integers in range and unique, scores finite, as many results as
 *   asked. Requests share the client's concurrency limit, retry layer, pacing, timeout and abort.
 */

import type { SendContext } from '../embed/send.js';
import {
  AbortError,
  BedrockEmbeddingsError,
  ServiceError,
  UnsupportedParameterError,
  ValidationError,
} from '../errors.js';
import { runAll, withRetry } from '../run.js';
import { env } from '../runtime.js';
import { type CallTrace, traceCall } from '../telemetry/index.js';
import type { BedrockEmbeddings, ClientOptions } from '../types.js';
import { type AgentRuntime, createAgentRuntime } from './agent-runtime.js';
import { type ResolvedRerankModel, resolveRerankModel } from './models.js';
import type { RerankApi, RerankDocument, RerankRequest, RerankResult, RerankResultItem } from './types.js';

export { amazonRerank } from './amazon-rerank.js';
export { cohereRerank } from './cohere-rerank.js';
export { type ResolvedRerankModel, rerankModels, resolveRerankModel } from './models.js';
export type * from './types.js';

/** InvokeModel's request body limit (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html). */
const MAX_INVOKE_BODY_BYTES = 25_000_000;

/** One request's share of the call: a contiguous run of documents. */
interface Chunk {
  start: number;
  documents: RerankDocument[];
}

/** One request's checked answer, indices relative to its chunk. */
interface Answer {
  scores: { index: number; relevanceScore: number }[];
  requestIds: string[];
  pages: number;
  searchUnits?: number;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.getPrototypeOf(value) === Object.prototype;

const MEDIA_KEYS = ['image', 'images', 'video', 'audio'];

/** Refuses what is not a text or a JSON object, naming the document. */
function checkDocument(document: unknown, at: string, model: string): void {
  const textOnly =
    'reranking takes text only (https://docs.aws.amazon.com/bedrock/latest/userguide/rerank.html)';
  if (typeof document === 'string') {
    if (document.length === 0)
      throw new ValidationError(`${model}: ${at} is an empty string.`, { model, parameter: at });
    if (/^data:(image|video|audio)\//i.test(document)) {
      throw new ValidationError(`${model}: ${at} is a media data URL; ${textOnly}.`, {
        model,
        parameter: at,
      });
    }
    return;
  }
  if (
    document instanceof Uint8Array ||
    document instanceof ArrayBuffer ||
    (typeof Blob !== 'undefined' && document instanceof Blob)
  ) {
    throw new ValidationError(`${model}: ${at} is binary media; ${textOnly}.`, { model, parameter: at });
  }
  if (!isPlainObject(document)) {
    throw new ValidationError(
      `${model}: ${at} must be a string or a JSON object, not ${Array.isArray(document) ? 'an array' : typeof document}.`,
      {
        model,
        parameter: at,
      },
    );
  }
  const media = MEDIA_KEYS.find(
    (key) =>
      document[key] !== undefined &&
      (typeof document[key] !== 'string' || /^(data:|s3:\/\/)/.test(document[key] as string)),
  );
  if (media !== undefined) {
    throw new ValidationError(`${model}: ${at}.${media} is media; ${textOnly}.`, {
      model,
      parameter: `${at}.${media}`,
    });
  }
  try {
    JSON.stringify(document, (_key, value: unknown) => {
      if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol')
        throw new Error(typeof value);
      if (value instanceof Uint8Array) throw new Error('binary');
      return value;
    });
  } catch (error) {
    throw new ValidationError(`${model}: ${at} is not JSON (${(error as Error).message}).`, {
      model,
      parameter: at,
    });
  }
}

function positiveInteger(value: unknown, parameter: string, model: string, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(
      `${model}: \`${parameter}\` must be an integer from 1 to ${max}, not ${String(value)}.`,
      {
        model,
        parameter,
      },
    );
  }
  return value;
}

/** Splits the documents into contiguous chunks of at most `perRequest` documents and `maxBytes` of JSON. */
export function planRerankChunks(
  documents: readonly RerankDocument[],
  perRequest: number,
  maxBytes: number,
): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk | undefined;
  let bytes = 0;
  for (let i = 0; i < documents.length; i++) {
    const size = new TextEncoder().encode(JSON.stringify(documents[i])).byteLength + 1;
    if (
      current === undefined ||
      current.documents.length >= perRequest ||
      (bytes + size > maxBytes && current.documents.length > 0)
    ) {
      current = { start: i, documents: [] };
      chunks.push(current);
      bytes = 0;
    }
    current.documents.push(documents[i]!);
    bytes += size;
  }
  return chunks;
}

/** Checks one answer's results: an array of `{index, score}` with indices in range and unique, scores finite. */
function checkScores(
  raw: unknown,
  read: (item: Record<string, unknown>) => { index: unknown; score: unknown },
  size: number,
  context: { model: string; requestId?: string },
): { index: number; relevanceScore: number }[] {
  const fail = (why: string): never => {
    throw new ServiceError(`${context.model}: the reranker's answer ${why}.`, {
      model: context.model,
      ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    });
  };
  if (!Array.isArray(raw)) return fail('has no `results` array');
  const seen = new Set<number>();
  return raw.map((item, k) => {
    if (!isPlainObject(item)) return fail(`has a result ${k} that is not an object`);
    const { index, score } = read(item);
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= size) {
      return fail(`names document ${String(index)} of ${size} (result ${k})`);
    }
    if (seen.has(index)) return fail(`names document ${index} twice`);
    seen.add(index);
    if (typeof score !== 'number' || !Number.isFinite(score))
      return fail(`scores document ${index} as ${String(score)}`);
    return { index, relevanceScore: score };
  });
}

/** The `rerank` method of `BedrockEmbeddings`, bound to one client's transport, limits and retry layer. */
export function createRerankApi(
  deps: SendContext,
  options: ClientOptions,
): Pick<BedrockEmbeddings, 'rerank'> {
  let agent: AgentRuntime | undefined;
  const agentRuntime = () => {
    agent ??= createAgentRuntime(options);
    return agent;
  };
  const configuredRegion = options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
  // A Bedrock API key (given, or AWS_BEARER_TOKEN_BEDROCK without explicit credentials) reaches InvokeModel only.
  const { client, apiKey, credentials, profile } = options;
  const usesApiKey =
    client === undefined &&
    (apiKey !== undefined ||
      (env('AWS_BEARER_TOKEN_BEDROCK') !== undefined && credentials === undefined && profile === undefined));

  /**
   * One request through the client's retry layer: each attempt waits for the pacer of its model and
   * region (`key`), then holds a slot of the client's concurrency limit while in flight.
   */
  function send<T>(
    model: string,
    key: string,
    signal: AbortSignal,
    attempt: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const pacer = deps.pacerFor(key);
    return withRetry(attempt, {
      policy: deps.policy,
      signal,
      timeoutMs: deps.timeoutMs,
      model,
      redact: deps.transport.redact,
      limiter: deps.limiter,
      key,
      ...(pacer === undefined ? {} : { pacer }),
    });
  }

  function chooseApi(request: RerankRequest, resolved: ResolvedRerankModel, hasObjects: boolean): RerankApi {
    const { model } = request;
    const rerankable = resolved.idType === 'base' || resolved.idType === 'foundation-model-arn';
    if (request.api !== undefined) {
      if (request.api !== 'rerank' && request.api !== 'invoke') {
        throw new ValidationError(
          `${model}: \`api\` must be 'rerank' or 'invoke', not ${String(request.api)}.`,
          { model, parameter: 'api' },
        );
      }
      if (request.api === 'rerank' && !rerankable) {
        throw new ValidationError(
          `${model}: the Rerank API takes a foundation model (a base id or its ARN), not an inference profile; use api: 'invoke'.`,
          { model, parameter: 'api' },
        );
      }
      if (request.api === 'rerank' && usesApiKey) {
        throw new ValidationError(
          `${model}: the Rerank API takes SigV4 credentials, not a Bedrock API key; use api: 'invoke'.`,
          {
            model,
            parameter: 'api',
          },
        );
      }
      if (request.api === 'invoke' && hasObjects) {
        throw new ValidationError(
          `${model}: InvokeModel takes text documents only; send JSON objects with api: 'rerank' (or as strings).`,
          {
            model,
            parameter: 'documents',
          },
        );
      }
      return request.api;
    }
    if (hasObjects) {
      if (!rerankable || usesApiKey) {
        throw new ValidationError(
          `${model}: JSON documents go over the Rerank API, which takes ${usesApiKey ? 'SigV4 credentials, not an API key' : 'a foundation model, not a profile'}; send them as strings.`,
          { model, parameter: 'documents' },
        );
      }
      return 'rerank';
    }
    if (!rerankable || usesApiKey) return 'invoke';
    return resolved.spec.defaultApi;
  }

  async function sendRerank(
    request: RerankRequest,
    resolved: ResolvedRerankModel,
    modelArn: string,
    chunk: Chunk,
    topN: number | undefined,
    signal: AbortSignal,
  ): Promise<Answer> {
    const { model } = request;
    const fields = resolved.spec.additionalModelRequestFields({
      ...(request.maxTokensPerDoc === undefined ? {} : { maxTokensPerDoc: request.maxTokensPerDoc }),
    });
    const numberOfResults = Math.min(topN ?? chunk.documents.length, chunk.documents.length);
    const base = {
      queries: [{ type: 'TEXT' as const, textQuery: { text: request.query } }],
      sources: chunk.documents.map((document) => ({
        type: 'INLINE' as const,
        inlineDocumentSource:
          typeof document === 'string'
            ? { type: 'TEXT' as const, textDocument: { text: document } }
            : { type: 'JSON' as const, jsonDocument: document as never },
      })),
      rerankingConfiguration: {
        type: 'BEDROCK_RERANKING_MODEL' as const,
        bedrockRerankingConfiguration: {
          numberOfResults,
          modelConfiguration: {
            modelArn,
            ...(fields === undefined ? {} : { additionalModelRequestFields: fields as never }),
          },
        },
      },
    };
    const scores: Answer['scores'] = [];
    const requestIds: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    // Pages until every result asked for has come (bounded: each page must bring at least one).
    do {
      const output = await send(model, `${modelArn} rerank`, signal, (attemptSignal) =>
        agentRuntime().rerank({ ...base, ...(nextToken === undefined ? {} : { nextToken }) }, attemptSignal),
      );
      pages++;
      const requestId = output.$metadata.requestId;
      if (requestId !== undefined) requestIds.push(requestId);
      const page = checkScores(
        output.results,
        (item) => ({ index: item.index, score: item.relevanceScore }),
        chunk.documents.length,
        { model, ...(requestId === undefined ? {} : { requestId }) },
      );
      if (page.length === 0 && output.nextToken !== undefined) {
        throw new ServiceError(`${model}: the Rerank API sent an empty page with a nextToken.`, {
          model,
          ...(requestId === undefined ? {} : { requestId }),
        });
      }
      scores.push(...page);
      nextToken = scores.length < numberOfResults ? output.nextToken : undefined;
    } while (nextToken !== undefined);
    return { scores, requestIds, pages };
  }

  async function sendInvoke(
    request: RerankRequest,
    resolved: ResolvedRerankModel,
    chunk: Chunk,
    topN: number | undefined,
    signal: AbortSignal,
  ): Promise<Answer> {
    const { model } = request;
    const n = chunk.documents.length;
    const chunkTopN = topN === undefined || topN >= n ? undefined : topN;
    const body = resolved.spec.invokeBody(request.query, chunk.documents as string[], {
      ...(chunkTopN === undefined ? {} : { topN: chunkTopN }),
      ...(request.maxTokensPerDoc === undefined ? {} : { maxTokensPerDoc: request.maxTokensPerDoc }),
    });
    const sent = await send(model, `${resolved.modelId} ${resolved.region ?? ''}`, signal, (attemptSignal) =>
      deps.transport.invoke(resolved.modelId, JSON.stringify(body), {
        signal: attemptSignal,
        ...(resolved.region === undefined ? {} : { region: resolved.region }),
      }),
    );
    const answer = isPlainObject(sent.body) ? sent.body : {};
    const scores = checkScores(
      answer.results,
      (item) => ({ index: item.index, score: item.relevance_score }),
      n,
      { model, ...(sent.requestId === undefined ? {} : { requestId: sent.requestId }) },
    );
    const units = (answer.meta as { billed_units?: { search_units?: unknown } } | undefined)?.billed_units
      ?.search_units;
    return {
      scores,
      requestIds: sent.requestId === undefined ? [] : [sent.requestId],
      pages: 1,
      ...(typeof units === 'number' && Number.isFinite(units) ? { searchUnits: units } : {}),
    };
  }

  async function rerank<D extends RerankDocument>(
    request: RerankRequest<D>,
    trace: CallTrace,
  ): Promise<RerankResult<D>> {
    if (typeof request !== 'object' || request === null)
      throw new ValidationError('rerank takes a request object.');
    const resolved = resolveRerankModel(
      request.model,
      request.baseModel === undefined ? {} : { baseModel: request.baseModel },
    );
    const { model } = request;
    const { spec } = resolved;
    if (typeof request.query !== 'string' || request.query.trim() === '') {
      throw new ValidationError(`${model}: \`query\` must be a non-empty string.`, {
        model,
        parameter: 'query',
      });
    }
    const documents = request.documents as readonly RerankDocument[];
    if (!Array.isArray(documents) || documents.length === 0) {
      throw new ValidationError(
        `${model}: \`documents\` must hold 1 to ${spec.maxDocuments} documents, not none.`,
        { model, parameter: 'documents' },
      );
    }
    if (documents.length > spec.maxDocuments) {
      throw new ValidationError(
        `${model}: ${documents.length} documents, more than the ${spec.maxDocuments} one rerank call takes (the Rerank API's maximum of sources); rerank fewer candidates.`,
        { model, parameter: 'documents' },
      );
    }
    let hasObjects = false;
    for (let i = 0; i < documents.length; i++) {
      checkDocument(documents[i], `documents[${i}]`, model);
      if (typeof documents[i] !== 'string') hasObjects = true;
    }
    const topN =
      request.topN === undefined
        ? undefined
        : Math.min(positiveInteger(request.topN, 'topN', model, spec.maxDocuments), documents.length);
    if (request.maxTokensPerDoc !== undefined) {
      if (spec.maxTokensPerDoc === undefined) {
        throw new UnsupportedParameterError(`${model}: ${spec.name} has no \`maxTokensPerDoc\`.`, {
          model,
          parameter: 'maxTokensPerDoc',
          supported: ['topN', 'returnDocuments'],
        });
      }
      positiveInteger(request.maxTokensPerDoc, 'maxTokensPerDoc', model, spec.maxTokensPerDoc);
    }
    const perRequest =
      request.maxDocumentsPerRequest === undefined
        ? spec.maxDocuments
        : positiveInteger(request.maxDocumentsPerRequest, 'maxDocumentsPerRequest', model, spec.maxDocuments);
    const api = chooseApi(request, resolved, hasObjects);

    // Where the request goes, checked before sending.
    let modelArn = '';
    let region = resolved.region ?? configuredRegion;
    if (api === 'rerank') {
      const clientRegion = (await agentRuntime().region()) ?? configuredRegion;
      if (clientRegion === undefined) {
        throw new ValidationError(`${model}: no AWS region: pass \`region\`, or set AWS_REGION.`, {
          model,
          parameter: 'region',
        });
      }
      if (resolved.region !== undefined && resolved.region !== clientRegion) {
        throw new ValidationError(
          `${model}: the ARN names ${resolved.region} but the client is in ${clientRegion}, and the Rerank API does not rerank across Regions: use a client in ${resolved.region}, or the model id alone.`,
          { model, parameter: 'model' },
        );
      }
      region = clientRegion;
      modelArn =
        resolved.idType === 'foundation-model-arn'
          ? resolved.modelId
          : `arn:${resolved.partition ?? 'aws'}:bedrock:${clientRegion}::foundation-model/${spec.id}`;
    }
    if (
      region !== undefined &&
      resolved.idType !== 'opaque' &&
      resolved.idType !== 'inference-profile' &&
      resolved.idType !== 'inference-profile-arn' &&
      !spec.regions.includes(region)
    ) {
      throw new ValidationError(
        `${model}: ${spec.name} is not offered in ${region}; it is in ${spec.regions.join(', ')} (https://docs.aws.amazon.com/bedrock/latest/userguide/rerank-supported.html).`,
        { model, parameter: 'region' },
      );
    }

    const chunks = planRerankChunks(documents, perRequest, MAX_INVOKE_BODY_BYTES - 64 * 1024);
    const answers = await runAll(
      chunks.length,
      async (index, signal) => {
        const chunk = chunks[index]!;
        // One CLIENT span per request (several with pages of `Rerank`'s nextToken), under the call's.
        const answer = await trace.request(
          { 'gen_ai.request.model': spec.id, 'bedrock_embeddings.documents': chunk.documents.length },
          () =>
            api === 'rerank'
              ? sendRerank(request, resolved, modelArn, chunk, topN, signal)
              : sendInvoke(request, resolved, chunk, topN, signal),
        );
        const expected = Math.min(topN ?? chunk.documents.length, chunk.documents.length);
        const complete = api === 'invoke' && !spec.invokeHonoursTopN ? chunk.documents.length : expected;
        // Pages are checked one by one; a document named on two pages is as wrong as twice on one.
        if (new Set(answer.scores.map((score) => score.index)).size !== answer.scores.length) {
          throw new ServiceError(`${model}: the reranker's answer names a document twice across pages.`, {
            model,
            ...(answer.requestIds[0] === undefined ? {} : { requestId: answer.requestIds[0] }),
          });
        }
        if (answer.scores.length !== complete) {
          throw new ServiceError(
            `${model}: the reranker returned ${answer.scores.length} results for ${chunk.documents.length} documents (expected ${complete}).`,
            {
              model,
              ...(answer.requestIds[0] === undefined ? {} : { requestId: answer.requestIds[0] }),
            },
          );
        }
        return answer;
      },
      {
        workers: deps.limiter.limit,
        model,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      },
    );

    const merged: RerankResultItem<D>[] = [];
    for (let c = 0; c < chunks.length; c++) {
      for (const { index, relevanceScore } of answers[c]!.scores)
        merged.push({ index: chunks[c]!.start + index, relevanceScore });
    }
    merged.sort((a, b) => b.relevanceScore - a.relevanceScore || a.index - b.index);
    const results = merged.slice(0, topN ?? merged.length);
    if (request.returnDocuments === true)
      for (const item of results) item.document = request.documents[item.index]!;

    const requestIds = answers.flatMap((answer) => answer.requestIds);
    const units = answers.map((answer) => answer.searchUnits);
    const searchUnits = units.every((unit) => unit !== undefined)
      ? units.reduce((sum: number, unit) => sum + unit!, 0)
      : undefined;
    const pricing = spec.pricing;
    const costUsd =
      pricing === undefined
        ? undefined
        : chunks.reduce(
            (sum, chunk) => sum + Math.ceil(chunk.documents.length / pricing.documentsPerSearchUnit),
            0,
          ) * pricing.perSearchUnitUsd;
    return {
      results,
      usage: {
        documents: documents.length,
        requests: answers.reduce((sum, answer) => sum + answer.pages, 0),
        ...(searchUnits === undefined ? {} : { searchUnits }),
      },
      ...(costUsd === undefined ? {} : { costUsd }),
      model,
      modelId: spec.id,
      api,
      requestIds,
    };
  }

  return {
    rerank: async (request) => {
      try {
        return await traceCall(
          deps.telemetry,
          { operation: 'rerank', model: String(request?.model) },
          (trace) => rerank(request, trace),
        );
      } catch (error) {
        if (error instanceof BedrockEmbeddingsError || error instanceof AbortError) throw error;
        throw new ServiceError(`${request?.model}: rerank failed: ${deps.transport.redact(String(error))}`, {
          model: request?.model,
          cause: error,
        });
      }
    },
  };
}
