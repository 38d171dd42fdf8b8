/**
 * The options a caller can give: per call under `providerOptions.bedrock`, per model as settings,
 * per provider as defaults. Each is a strict zod schema, so a misspelt key is an error rather than
 * an option silently ignored. Values the core knows better (which purposes or dimensions a model
 * accepts) are only type-checked here; the core rejects wrong ones before any request, naming the
 * model and the parameter.
 */

import { InvalidArgumentError } from '@ai-sdk/provider';
import type { EmbeddingType, FamilyId, Purpose, Truncate } from '@bedrock-embeddings/core';
import { z } from 'zod/v4';

/** The key of this provider in `providerOptions` (per call) and `providerMetadata` (per result). */
export const PROVIDER_OPTIONS_KEY = 'bedrock';

/** The AI SDK embedding model specification versions this package implements. */
export type SpecificationVersion = 'v4' | 'v3' | 'v2' | 'v1';

/**
 * Options of one call, under `providerOptions.bedrock` in `embed()` / `embedMany()`. Every field
 * can also be set per model (settings) and per provider (`defaults`); the most specific one wins.
 */
export interface BedrockEmbeddingCallOptions {
  /**
   * What the vectors are for. Asymmetric models (Cohere, Nova) encode `query` and `document`
   * differently: embed the corpus as `document`, the search text as `query`. When neither the call
   * nor the model says, the core's default for the model applies (`document`).
   */
  purpose?: Purpose;
  /**
   * Output vector length. ai@7's own `dimensions` argument does the same (giving both with
   * different values is an error); ai@4, 5 and 6 have only this one.
   */
  dimensions?: number;
  /** Over-long text: `none` (error), or drop from the `start` or the `end`. */
  truncate?: Truncate;
  /** Titan Text v2: normalise the vectors (the model's default is true). */
  normalize?: boolean;
  /** Extra encodings (`int8`, `binary`, ...), returned in `providerMetadata.bedrock.embeddingsByType`. */
  embeddingTypes?: EmbeddingType[];
  /** Drop parameters the model does not support, each reported as a warning, instead of failing. */
  dropUnsupportedParams?: boolean;
  /** Fields merged verbatim into the model's request body, for model-specific options. */
  extraBody?: Record<string, unknown>;
  /** Embed every value as text, even values that look like `data:` URLs or `s3://` URIs. */
  textOnly?: boolean;
  /** AWS account id that owns the buckets of `s3://` values (Marengo 3.0 requires it). */
  bucketOwner?: string;
}

/** Settings of one model: call options used as defaults, and how to route an opaque model id. */
export interface BedrockEmbeddingSettings extends BedrockEmbeddingCallOptions {
  /** The family behind an application inference profile ARN (or a check of the detected one). */
  family?: FamilyId;
  /** The base model behind an opaque id, when its family has several models (e.g. `cohere.embed-v4:0`). */
  baseModel?: string;
}

const callOptionsShape = {
  purpose: z.custom<Purpose>((value) => typeof value === 'string', 'Expected a purpose string'),
  dimensions: z.number().int().positive(),
  truncate: z.custom<Truncate>((value) => typeof value === 'string', 'Expected a truncate mode string'),
  normalize: z.boolean(),
  embeddingTypes: z.array(
    z.custom<EmbeddingType>((value) => typeof value === 'string', 'Expected an embedding type string'),
  ),
  dropUnsupportedParams: z.boolean(),
  extraBody: z.record(z.string(), z.unknown()),
  textOnly: z.boolean(),
  bucketOwner: z.string().regex(/^\d{12}$/, 'Expected a 12-digit AWS account id'),
};

const callOptionsSchema = z.strictObject(callOptionsShape).partial();

const settingsSchema = z
  .strictObject({
    ...callOptionsShape,
    family: z.custom<FamilyId>((value) => typeof value === 'string', 'Expected a family id string'),
    baseModel: z.string().min(1),
  })
  .partial();

function parse<T>(schema: z.ZodType<T>, value: unknown, argument: string, modelId?: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
  const subject = modelId === undefined ? argument : `${argument} of ${modelId}`;
  throw new InvalidArgumentError({
    argument,
    message: `Invalid ${subject}: ${issues}.`,
    cause: result.error,
  });
}

/** Validates `providerOptions.bedrock` of one call. */
export function parseCallOptions(providerOptions: unknown, modelId: string): BedrockEmbeddingCallOptions {
  return parse(callOptionsSchema, providerOptions, `providerOptions.${PROVIDER_OPTIONS_KEY}`, modelId);
}

/** Validates model settings (or a provider's `defaults`). */
export function parseSettings(
  settings: unknown,
  argument: string,
  modelId?: string,
): BedrockEmbeddingSettings {
  return parse(settingsSchema, settings, argument, modelId);
}
