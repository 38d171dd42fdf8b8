/**
 * One Bedrock embedding model as an AI SDK `EmbeddingModelV4` (ai@7). A translation layer: the
 * values go to the core's `embed()` unchanged (strings that are `data:` URLs or `s3://` URIs are
 * media there), and the core's result and errors come back in the spec's shapes. Batching,
 * concurrency and retries are the core's alone.
 */

import type { EmbeddingModelV4, EmbeddingModelV4CallOptions, EmbeddingModelV4Result } from '@ai-sdk/provider';
import { InvalidArgumentError } from '@ai-sdk/provider';
import {
  type BedrockEmbeddings,
  type EmbeddingInput,
  type EmbeddingWarning,
  type EmbedResult,
  normalizeInputs,
} from '@bedrock-embeddings/core';
import { toProviderError } from './errors.js';
import {
  type BedrockEmbeddingCallOptions,
  type BedrockEmbeddingSettings,
  PROVIDER_OPTIONS_KEY,
  parseCallOptions,
} from './options.js';

/** The `provider` name the models report (for logs and telemetry). */
export const PROVIDER_NAME = 'bedrock-embeddings';

/** A JSON value, mutable, so that every `@ai-sdk/provider` copy's JSON types accept it. */
export type JsonValue = null | string | number | boolean | JsonObject | JsonValue[];
/** A JSON object (provider metadata). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A warning in the format of specs v3 and v4: something asked for that was not applied. */
export type SpecWarning =
  | {
      /** A setting the model does not have was dropped. */
      type: 'unsupported';
      /** The setting, as the caller named it. */
      feature: string;
      /** Why it was dropped. */
      details: string;
    }
  | {
      /** Anything else that was not applied. */
      type: 'other';
      /** What was not applied and why. */
      message: string;
    };

/** A call in the terms every spec version shares. */
export interface EmbedCall {
  values: string[];
  /** ai@7 only. */
  dimensions?: number;
  abortSignal?: AbortSignal;
  /** ai@4/5 allow undefined values. */
  headers?: Record<string, string | undefined>;
  /** ai@5 and later. */
  providerOptions?: Record<string, unknown>;
}

/** A result in the terms every spec version shares. */
export interface EmbedOutcome {
  embeddings: number[][];
  /** Absent when Bedrock did not report the token count. */
  usage?: { tokens: number };
  warnings: SpecWarning[];
  /** `providerMetadata.bedrock`: family, model ids, request ids, usage details, cost. */
  metadata: JsonObject;
  /** Headers of Bedrock's (last) response. */
  headers?: Record<string, string>;
}

function toWarning(warning: EmbeddingWarning): SpecWarning {
  return warning.type === 'unsupported-parameter' && warning.parameter !== undefined
    ? { type: 'unsupported', feature: warning.parameter, details: warning.message }
    : { type: 'other', message: warning.message };
}

/** Header values as a plain record (ai@4/5 may pass undefined values, which are not sent). */
function definedHeaders(headers: EmbedCall['headers']): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const entries = Object.entries(headers).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** The fields of `result` worth reporting, without undefined values (metadata must be JSON). */
function metadataOf(result: EmbedResult): JsonObject {
  const usage = Object.fromEntries(Object.entries(result.usage).filter(([, value]) => value !== undefined));
  return {
    family: result.family,
    model: result.model,
    modelId: result.modelId,
    requestIds: result.requestIds,
    requests: result.requests,
    ...(result.cacheHits === undefined ? {} : { cacheHits: result.cacheHits }),
    usage,
    ...(result.costUsd === undefined ? {} : { costUsd: result.costUsd }),
    ...(result.embeddingsByType === undefined ? {} : { embeddingsByType: result.embeddingsByType }),
  };
}

/**
 * The result in the shape specs v4 and v3 share: vectors, usage, warnings, provider metadata and
 * the response headers (v2 and v1 reshape it, see `compat.ts`).
 */
export function toSpecResult(outcome: EmbedOutcome) {
  return {
    embeddings: outcome.embeddings,
    ...(outcome.usage === undefined ? {} : { usage: outcome.usage }),
    warnings: outcome.warnings,
    providerMetadata: { [PROVIDER_OPTIONS_KEY]: outcome.metadata },
    ...(outcome.headers === undefined ? {} : { response: { headers: outcome.headers } }),
  };
}

/**
 * The values as the core's inputs. Strings go as they are: the core embeds `data:` URLs and
 * `s3://` URIs as media. `textOnly` makes every value text; a `bucketOwner` is attached to each
 * `s3://` URI, which needs the object form of an input and so its modality, detected by the core.
 */
function toInputs(values: string[], options: BedrockEmbeddingCallOptions, modelId: string): EmbeddingInput[] {
  if (options.textOnly) return values.map((text) => ({ text }));
  const { bucketOwner } = options;
  if (bucketOwner === undefined) return values;
  const detected = normalizeInputs(values, modelId);
  return values.map((value, i) => {
    const input = detected[i]!;
    const modality = input.image ? 'image' : input.video ? 'video' : input.audio ? 'audio' : undefined;
    const media = modality === undefined ? undefined : input[modality];
    return modality !== undefined && media?.source.type === 's3'
      ? { [modality]: { value, bucketOwner } }
      : value;
  });
}

/**
 * A Bedrock embedding model implementing the current spec (`EmbeddingModelV4`, ai@7). The models
 * for older majors wrap one of these (see `compat.ts`).
 */
export class BedrockEmbeddingModel implements EmbeddingModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = PROVIDER_NAME;
  /**
   * No limit: `embedMany` hands all its values to one `doEmbed`, and the core packs them into the
   * fewest requests the model allows (96 texts for Cohere, one for the others) and runs those
   * within its concurrency bound. A finite value would make `embedMany` start every chunk at once.
   */
  readonly maxEmbeddingsPerCall = Number.POSITIVE_INFINITY;
  /** Safe either way: calls of one provider share the core's concurrency bound. */
  readonly supportsParallelCalls = true;

  constructor(
    /** The model id as given: base id, cross-Region profile, ARN or `bedrock/` route. */
    readonly modelId: string,
    private readonly settings: BedrockEmbeddingSettings,
    private readonly core: () => BedrockEmbeddings,
  ) {}

  /** Embeds with the spec-v4 call options and result. */
  async doEmbed(options: EmbeddingModelV4CallOptions): Promise<EmbeddingModelV4Result> {
    return toSpecResult(await this.embed(options));
  }

  /** The call shared by every spec version: options merged and checked, the core called, errors mapped. */
  async embed(call: EmbedCall): Promise<EmbedOutcome> {
    const options: BedrockEmbeddingCallOptions = {
      ...this.settings,
      ...parseCallOptions(call.providerOptions?.[PROVIDER_OPTIONS_KEY], this.modelId),
    };
    if (
      call.dimensions !== undefined &&
      options.dimensions !== undefined &&
      call.dimensions !== options.dimensions
    ) {
      throw new InvalidArgumentError({
        argument: 'dimensions',
        message: `${this.modelId}: dimensions ${call.dimensions} conflicts with providerOptions.${PROVIDER_OPTIONS_KEY}.dimensions ${options.dimensions}.`,
      });
    }
    const { textOnly, extraBody, bucketOwner, ...params } = options;
    const headers = definedHeaders(call.headers);
    let result: EmbedResult;
    try {
      result = await this.core().embed({
        ...params,
        model: this.modelId,
        inputs: toInputs(call.values, options, this.modelId),
        ...(call.dimensions === undefined ? {} : { dimensions: call.dimensions }),
        ...(extraBody === undefined ? {} : { providerOptions: extraBody }),
        ...(call.abortSignal === undefined ? {} : { signal: call.abortSignal }),
        ...(headers === undefined ? {} : { headers }),
      });
    } catch (error) {
      throw toProviderError(error, { modelId: this.modelId, values: call.values });
    }
    // A call of many values may take several requests: report the last one's headers.
    const responseHeaders = result.responseHeaders?.at(-1);
    return {
      embeddings: result.embeddings,
      ...(result.usage.inputTokens === undefined ? {} : { usage: { tokens: result.usage.inputTokens } }),
      warnings: result.warnings.map(toWarning),
      metadata: metadataOf(result),
      ...(responseHeaders === undefined ? {} : { headers: responseHeaders }),
    };
  }
}
