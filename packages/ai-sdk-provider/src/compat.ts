/**
 * Models of the older embedding specs, for older majors of the AI SDK: v3 (ai@6), v2 (ai@5) and
 * v1 (ai@4). Each wraps the v4 model and only reshapes the call and the result:
 * - v3 has no `dimensions` argument (use `providerOptions.bedrock.dimensions` or settings);
 * - v2 has no `warnings` in its result: they go to `providerMetadata.bedrock.warnings`;
 * - v1 has neither provider options nor provider metadata, and names the headers `rawResponse`.
 *
 * The interfaces are declared here rather than imported: the current `@ai-sdk/provider` types
 * its old specs with read-only JSON, which the `@ai-sdk/provider` copies of ai@5 and ai@6 do not
 * accept, and it no longer has v1 at all. Declared with plain JSON, they fit every copy.
 */
import {
  type BedrockEmbeddingModel,
  type JsonObject,
  type SpecWarning,
  toSpecResult,
} from './embedding-model.js';
import { PROVIDER_OPTIONS_KEY } from './options.js';

/** What every spec version's model has besides `doEmbed`. */
interface ModelIdentity {
  /** Provider name the AI SDK shows in errors and telemetry. */
  readonly provider: string;
  /** The Bedrock model id or ARN this model calls. */
  readonly modelId: string;
  /** Most values per `doEmbed`; `embedMany` splits larger lists into calls of this size. */
  readonly maxEmbeddingsPerCall: number;
  /** Whether `embedMany` may run its calls concurrently. */
  readonly supportsParallelCalls: boolean;
}

/** The result fields every spec since v2 shares. */
interface ResultV2 {
  embeddings: number[][];
  usage?: { tokens: number };
  providerMetadata?: Record<string, JsonObject>;
  response?: { headers?: Record<string, string>; body?: unknown };
}

/** The embedding model interface of spec v3 (`EmbeddingModelV3`, ai@6). */
export interface EmbeddingModelV3Spec extends ModelIdentity {
  /** Tells ai@6 which spec this model implements. */
  readonly specificationVersion: 'v3';
  /** Embeds `values` in order; AI SDK core calls this, applications call `embed`/`embedMany`. */
  doEmbed(options: {
    values: string[];
    abortSignal?: AbortSignal;
    providerOptions?: Record<string, JsonObject>;
    headers?: Record<string, string>;
  }): PromiseLike<
    ResultV2 & {
      /** Parameters the model ignored or adjusted, in the spec's warning shape. */
      warnings: SpecWarning[];
    }
  >;
}

/** The embedding model interface of spec v2 (`EmbeddingModelV2<string>`, ai@5). */
export interface EmbeddingModelV2Spec extends ModelIdentity {
  /** Tells ai@5 which spec this model implements. */
  readonly specificationVersion: 'v2';
  /** Embeds `values` in order; warnings travel in `providerMetadata.bedrock.warnings`. */
  doEmbed(options: {
    values: string[];
    abortSignal?: AbortSignal;
    providerOptions?: Record<string, JsonObject>;
    headers?: Record<string, string | undefined>;
  }): PromiseLike<ResultV2>;
}

/** The embedding model interface of spec v1 (`EmbeddingModelV1<string>`, ai@4). */
export interface EmbeddingModelV1Spec extends ModelIdentity {
  /** Tells ai@4 which spec this model implements. */
  readonly specificationVersion: 'v1';
  /** Embeds `values` in order; response headers come back as `rawResponse.headers`. */
  doEmbed(options: {
    values: string[];
    abortSignal?: AbortSignal;
    headers?: Record<string, string | undefined>;
  }): PromiseLike<{
    /** One vector per value, in input order. */
    embeddings: number[][];
    /** Input tokens Bedrock billed, when it reports them. */
    usage?: {
      /** Summed over every request the call made. */
      tokens: number;
    };
    /** The last Bedrock response's HTTP details. */
    rawResponse?: {
      /** Response headers (request id, token counts). */
      headers?: Record<string, string>;
    };
  }>;
}

function identity(model: BedrockEmbeddingModel): ModelIdentity {
  return {
    provider: model.provider,
    modelId: model.modelId,
    maxEmbeddingsPerCall: model.maxEmbeddingsPerCall,
    supportsParallelCalls: model.supportsParallelCalls,
  };
}

/** The model as a spec-v3 model (ai@6). */
export function toV3(model: BedrockEmbeddingModel): EmbeddingModelV3Spec {
  return {
    specificationVersion: 'v3',
    ...identity(model),
    async doEmbed(options) {
      return toSpecResult(await model.embed(options));
    },
  };
}

/** The model as a spec-v2 model (ai@5); warnings are in `providerMetadata.bedrock.warnings`. */
export function toV2(model: BedrockEmbeddingModel): EmbeddingModelV2Spec {
  return {
    specificationVersion: 'v2',
    ...identity(model),
    async doEmbed(options) {
      const { warnings, providerMetadata, ...result } = toSpecResult(await model.embed(options));
      const metadata = {
        ...providerMetadata[PROVIDER_OPTIONS_KEY],
        warnings: warnings.map((warning): JsonObject => ({ ...warning })),
      };
      return { ...result, providerMetadata: { [PROVIDER_OPTIONS_KEY]: metadata } };
    },
  };
}

/** The model as a spec-v1 model (ai@4), which has no channel for warnings or metadata. */
export function toV1(model: BedrockEmbeddingModel): EmbeddingModelV1Spec {
  return {
    specificationVersion: 'v1',
    ...identity(model),
    async doEmbed(options) {
      const { embeddings, usage, headers } = await model.embed(options);
      return {
        embeddings,
        ...(usage === undefined ? {} : { usage }),
        ...(headers === undefined ? {} : { rawResponse: { headers } }),
      };
    },
  };
}
