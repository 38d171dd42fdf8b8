/**
 * Bedrock rerankers (Cohere Rerank 3.5, Amazon Rerank 1.0) as AI SDK reranking models: spec v4 for
 * ai@7's `rerank()`, v3 for ai@6's. The model only translates shapes; the core routes, validates,
 * sends (Rerank API or InvokeModel), checks the answer and sorts it.
 */
import type { RerankingModelV4, RerankingModelV4CallOptions, RerankingModelV4Result } from '@ai-sdk/provider';
import { InvalidArgumentError, NoSuchModelError } from '@ai-sdk/provider';
import {
  type BedrockEmbeddings,
  BedrockEmbeddingsError,
  type RerankApi,
  type RerankDocument,
} from '@bedrock-embeddings/core';
import { z } from 'zod';
import { type JsonObject, PROVIDER_NAME } from './embedding-model.js';
import { toProviderError } from './errors.js';
import { PROVIDER_OPTIONS_KEY } from './options.js';

/** Options of one `rerank()` call under `providerOptions.bedrock`; each can also be a model setting. */
export interface BedrockRerankingCallOptions {
  /** The wire: the Rerank API or InvokeModel (default per model; object documents choose `rerank`). */
  api?: RerankApi;
  /** Cohere Rerank 3.5: tokens of each document read (1 to 4,096). */
  maxTokensPerDoc?: number;
  /** Documents per request; a larger call is split and merged by score. */
  maxDocumentsPerRequest?: number;
}

/** Settings of one reranking model. */
export interface BedrockRerankingSettings extends BedrockRerankingCallOptions {
  /** The base reranker behind an application inference profile ARN, e.g. `cohere.rerank-v3-5:0`. */
  baseModel?: string;
}

const callShape = {
  api: z.enum(['rerank', 'invoke']),
  maxTokensPerDoc: z.number().int().positive(),
  maxDocumentsPerRequest: z.number().int().positive(),
};
const callSchema = z.strictObject(callShape).partial();
const settingsSchema = z.strictObject({ ...callShape, baseModel: z.string().min(1) }).partial();

function parse<T>(schema: z.ZodType<T>, value: unknown, argument: string, modelId: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  throw new InvalidArgumentError({
    argument,
    message: `Invalid ${argument} of ${modelId}: ${issues}.`,
    cause: result.error,
  });
}

/** Validates reranking model settings. */
export function parseRerankingSettings(settings: unknown, modelId: string): BedrockRerankingSettings {
  return parse(settingsSchema, settings, 'settings', modelId);
}

/** The core's errors as the AI SDK's, with `rerankingModel` for an unknown model. */
function toRerankingError(error: unknown, modelId: string): unknown {
  if (error instanceof BedrockEmbeddingsError && error.code === 'UNKNOWN_MODEL') {
    return new NoSuchModelError({ modelId, modelType: 'rerankingModel', message: error.message });
  }
  const mapped = toProviderError(error, { modelId, values: [] });
  if (mapped instanceof InvalidArgumentError && mapped.argument === 'values') {
    return new InvalidArgumentError({ argument: 'documents', message: mapped.message, cause: error });
  }
  return mapped;
}

/** A Bedrock reranker implementing `RerankingModelV4` (ai@7). */
export class BedrockRerankingModel implements RerankingModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = PROVIDER_NAME;
  readonly modelId: string;
  readonly #settings: BedrockRerankingSettings;
  readonly #core: () => BedrockEmbeddings;

  constructor(modelId: string, settings: BedrockRerankingSettings, core: () => BedrockEmbeddings) {
    this.modelId = modelId;
    this.#settings = settings;
    this.#core = core;
  }

  async doRerank(options: RerankingModelV4CallOptions): Promise<RerankingModelV4Result> {
    const call = parse(
      callSchema,
      options.providerOptions?.[PROVIDER_OPTIONS_KEY],
      `providerOptions.${PROVIDER_OPTIONS_KEY}`,
      this.modelId,
    );
    const merged = { ...this.#settings, ...call };
    try {
      const result = await this.#core().rerank({
        model: this.modelId,
        query: options.query,
        documents: options.documents.values as readonly RerankDocument[],
        ...(options.topN === undefined ? {} : { topN: options.topN }),
        ...merged,
        ...(options.abortSignal === undefined ? {} : { signal: options.abortSignal }),
      });
      return {
        ranking: result.results.map(({ index, relevanceScore }) => ({ index, relevanceScore })),
        providerMetadata: {
          [PROVIDER_OPTIONS_KEY]: {
            api: result.api,
            modelId: result.modelId,
            requestIds: result.requestIds,
            usage: { ...result.usage },
            ...(result.costUsd === undefined ? {} : { costUsd: result.costUsd }),
          },
        },
        warnings: [],
        response: {
          modelId: result.modelId,
          ...(result.requestIds[0] === undefined ? {} : { id: result.requestIds[0] }),
        },
      };
    } catch (error) {
      throw toRerankingError(error, this.modelId);
    }
  }
}

/** Spec v3 (ai@6): the same call and result shapes under another version tag. */
export interface RerankingModelV3Spec {
  /** Always `v3`. */
  readonly specificationVersion: 'v3';
  /** The provider name (`bedrock-embeddings`). */
  readonly provider: string;
  /** The model as given. */
  readonly modelId: string;
  /** Reranks the documents (called by ai@6's `rerank()`). */
  doRerank(options: RerankingModelV4CallOptions): PromiseLike<RerankingV3Result>;
}

/** A v3 result, in types every `@ai-sdk/provider` copy accepts. */
export interface RerankingV3Result {
  /** Best first. */
  ranking: { index: number; relevanceScore: number }[];
  /** `bedrock`: wire, model, request ids, usage. */
  providerMetadata?: Record<string, JsonObject>;
  /** Always empty. */
  warnings: { type: 'other'; message: string }[];
  /** The first request id and the model id. */
  response?: { id?: string; modelId?: string };
}

/** The model as spec v3, for ai@6's `rerank()`. */
export function toRerankingV3(model: BedrockRerankingModel): RerankingModelV3Spec {
  return {
    specificationVersion: 'v3',
    provider: model.provider,
    modelId: model.modelId,
    // Never any warnings: every option is validated (an error), none dropped.
    doRerank: async (options) => {
      const { ranking, providerMetadata, response } = await model.doRerank(options);
      return {
        ranking,
        ...(providerMetadata === undefined
          ? {}
          : { providerMetadata: providerMetadata as Record<string, JsonObject> }),
        warnings: [],
        ...(response === undefined
          ? {}
          : {
              response: {
                ...(response.id === undefined ? {} : { id: response.id }),
                ...(response.modelId === undefined ? {} : { modelId: response.modelId }),
              },
            }),
      };
    },
  };
}
