/**
 * The provider: a function (and methods) that turns a Bedrock model id into an AI SDK embedding
 * model of the spec version the caller's `ai` major needs. All models of one provider share one
 * core client, so one concurrency bound and one retry policy cover all their calls.
 */

import type { EmbeddingModelV4, RerankingModelV4 } from '@ai-sdk/provider';
import { InvalidArgumentError, NoSuchModelError } from '@ai-sdk/provider';
import {
  type BedrockEmbeddings,
  BedrockEmbeddingsError,
  type ClientOptions,
  createBedrockEmbeddings,
  isApplicationProfileArn,
  resolveModel,
  resolveRerankModel,
} from '@bedrock-embeddings/core';
import {
  type EmbeddingModelV1Spec,
  type EmbeddingModelV2Spec,
  type EmbeddingModelV3Spec,
  toV1,
  toV2,
  toV3,
} from './compat.js';
import { BedrockEmbeddingModel } from './embedding-model.js';
import { toProviderError } from './errors.js';
import { type BedrockEmbeddingSettings, parseSettings, type SpecificationVersion } from './options.js';
import {
  BedrockRerankingModel,
  type BedrockRerankingSettings,
  parseRerankingSettings,
  type RerankingModelV3Spec,
  toRerankingV3,
} from './reranking-model.js';

/** The reranking model type of each spec version: v4 for ai@7, v3 for ai@6 (older majors have no reranking). */
export type BedrockRerankingModelFor<V extends 'v4' | 'v3'> = V extends 'v3'
  ? RerankingModelV3Spec
  : RerankingModelV4;

/** The embedding model type of each spec version: v4 for ai@7, v3 for ai@6, v2 for ai@5, v1 for ai@4. */
export type BedrockEmbeddingModelFor<V extends SpecificationVersion> = V extends 'v4'
  ? EmbeddingModelV4
  : V extends 'v3'
    ? EmbeddingModelV3Spec
    : V extends 'v2'
      ? EmbeddingModelV2Spec
      : EmbeddingModelV1Spec;

/** Settings of one model, plus the spec version to implement when it differs from the provider's. */
export type BedrockEmbeddingModelSettings<V extends SpecificationVersion> = BedrockEmbeddingSettings & {
  /** `v4` (ai@7), `v3` (ai@6), `v2` (ai@5) or `v1` (ai@4); default: the provider's. */
  specificationVersion?: V;
};

/** Options of {@link createBedrockEmbeddingProvider}: the core's client options, and defaults. */
export interface BedrockEmbeddingProviderOptions<V extends SpecificationVersion = 'v4'>
  extends ClientOptions {
  /**
   * A core instance to use (e.g. shared with the LangChain adapter, so that one concurrency bound
   * covers both). The client options are then ignored.
   */
  embeddings?: BedrockEmbeddings;
  /** Settings applied to every model of this provider; a model's own settings override them. */
  defaults?: BedrockEmbeddingSettings;
  /** The spec version of the models: `v4` (ai@7, the default), `v3` (ai@6), `v2` (ai@5), `v1` (ai@4). */
  specificationVersion?: V;
}

/**
 * A provider of Bedrock embedding models. Call it, or its `embedding` / `embeddingModel` /
 * `textEmbeddingModel` methods (the names each `ai` major looks for), with a model id in any form
 * the core routes: base id, cross-Region profile (`us.cohere.embed-v4:0`), ARN, `bedrock/` route.
 */
export interface BedrockEmbeddingProvider<V extends SpecificationVersion = 'v4'> {
  <W extends SpecificationVersion = V>(
    modelId: string,
    settings?: BedrockEmbeddingModelSettings<W>,
  ): BedrockEmbeddingModelFor<W>;
  /** An embedding model for `modelId`. */
  embedding<W extends SpecificationVersion = V>(
    modelId: string,
    settings?: BedrockEmbeddingModelSettings<W>,
  ): BedrockEmbeddingModelFor<W>;
  /** Same as `embedding` (the name of `ProviderV4` / `ProviderV3`). */
  embeddingModel<W extends SpecificationVersion = V>(
    modelId: string,
    settings?: BedrockEmbeddingModelSettings<W>,
  ): BedrockEmbeddingModelFor<W>;
  /** Same as `embedding` (the name ai@4 and ai@5 use). */
  textEmbeddingModel<W extends SpecificationVersion = V>(
    modelId: string,
    settings?: BedrockEmbeddingModelSettings<W>,
  ): BedrockEmbeddingModelFor<W>;
  /**
   * A reranking model (Cohere Rerank 3.5, Amazon Rerank 1.0) for `rerank()`: spec v4 (ai@7), or v3
   * (ai@6) when the provider's or the setting's `specificationVersion` says so.
   */
  reranking<W extends 'v4' | 'v3' = V extends 'v3' ? 'v3' : 'v4'>(
    modelId: string,
    settings?: BedrockRerankingSettings & { specificationVersion?: W },
  ): BedrockRerankingModelFor<W>;
  /** Same as `reranking` (the name of `ProviderV4` / `ProviderV3`). */
  rerankingModel<W extends 'v4' | 'v3' = V extends 'v3' ? 'v3' : 'v4'>(
    modelId: string,
    settings?: BedrockRerankingSettings & { specificationVersion?: W },
  ): BedrockRerankingModelFor<W>;
  /** The spec version of this provider's models by default. */
  readonly specificationVersion: V;
  /** Bedrock embeddings only: throws `NoSuchModelError` (here so the provider fits provider registries). */
  languageModel(modelId: string): never;
  /** Bedrock embeddings only: throws `NoSuchModelError` (here so the provider fits provider registries). */
  imageModel(modelId: string): never;
}

const VERSIONS: readonly SpecificationVersion[] = ['v4', 'v3', 'v2', 'v1'];

function checkVersion(version: SpecificationVersion): SpecificationVersion {
  if (!VERSIONS.includes(version)) {
    throw new InvalidArgumentError({
      argument: 'specificationVersion',
      message: `Unknown specificationVersion \`${String(version)}\`; use one of ${VERSIONS.join(', ')}.`,
    });
  }
  return version;
}

/**
 * Creates a provider of Bedrock embedding models.
 *
 * @example
 * ```ts
 * const bedrock = createBedrockEmbeddingProvider({ region: 'us-east-1' });
 * const { embedding } = await embed({ model: bedrock('amazon.titan-embed-text-v2:0'), value: 'hello' });
 * ```
 */
export function createBedrockEmbeddingProvider<V extends SpecificationVersion = 'v4'>(
  options: BedrockEmbeddingProviderOptions<V> = {},
): BedrockEmbeddingProvider<V> {
  const { embeddings, defaults, specificationVersion, ...clientOptions } = options;
  const providerVersion = checkVersion(specificationVersion ?? 'v4') as V;
  const providerDefaults = parseSettings(defaults, 'defaults');
  // Created at the first call, so that the environment is read then, not at import.
  let core = embeddings;
  const getCore = (): BedrockEmbeddings => {
    if (core === undefined) core = createBedrockEmbeddings(clientOptions);
    return core;
  };

  function createModel(modelId: string, settings: BedrockEmbeddingModelSettings<SpecificationVersion> = {}) {
    const { specificationVersion: version = providerVersion, ...modelSettings } = settings;
    checkVersion(version);
    const merged = { ...providerDefaults, ...parseSettings(modelSettings, 'settings', modelId) };
    try {
      // Fail here, not at the first call, for an id the core cannot route (an application
      // inference profile is looked up by the core at its first call).
      if (merged.baseModel !== undefined || !isApplicationProfileArn(modelId))
        resolveModel(modelId, { family: merged.family, baseModel: merged.baseModel });
    } catch (error) {
      throw toProviderError(error, { modelId, values: [] });
    }
    const model = new BedrockEmbeddingModel(modelId, merged, getCore);
    switch (version) {
      case 'v4':
        return model;
      case 'v3':
        return toV3(model);
      case 'v2':
        return toV2(model);
      default:
        return toV1(model);
    }
  }

  function createRerankingModel(
    modelId: string,
    settings: BedrockRerankingSettings & { specificationVersion?: SpecificationVersion } = {},
  ) {
    const { specificationVersion: version = providerVersion === 'v3' ? 'v3' : 'v4', ...modelSettings } =
      settings;
    if (version !== 'v4' && version !== 'v3') {
      throw new InvalidArgumentError({
        argument: 'specificationVersion',
        message: `Reranking models exist in specs v4 (ai@7) and v3 (ai@6), not ${String(version)}.`,
      });
    }
    const parsed = parseRerankingSettings(modelSettings, modelId);
    try {
      resolveRerankModel(modelId, parsed.baseModel === undefined ? {} : { baseModel: parsed.baseModel });
    } catch (error) {
      if (error instanceof BedrockEmbeddingsError && error.code === 'UNKNOWN_MODEL') {
        throw new NoSuchModelError({ modelId, modelType: 'rerankingModel', message: error.message });
      }
      throw toProviderError(error, { modelId, values: [] });
    }
    const model = new BedrockRerankingModel(modelId, parsed, getCore);
    return version === 'v3' ? toRerankingV3(model) : model;
  }

  const noSuchModel = (modelType: 'languageModel' | 'imageModel') => (modelId: string) => {
    throw new NoSuchModelError({
      modelId,
      modelType,
      message: `${modelId}: this provider serves embedding models only.`,
    });
  };
  const provider = Object.assign(
    (modelId: string, settings?: BedrockEmbeddingModelSettings<SpecificationVersion>) =>
      createModel(modelId, settings),
    {
      embedding: createModel,
      embeddingModel: createModel,
      textEmbeddingModel: createModel,
      reranking: createRerankingModel,
      rerankingModel: createRerankingModel,
      specificationVersion: providerVersion,
      languageModel: noSuchModel('languageModel'),
      imageModel: noSuchModel('imageModel'),
    },
  );
  return provider as unknown as BedrockEmbeddingProvider<V>;
}

/**
 * The default provider (spec v4, ai@7), configured from the environment at its first call:
 * region from `AWS_REGION`, credentials from the AWS SDK's default chain, or a Bedrock API key
 * from `AWS_BEARER_TOKEN_BEDROCK`.
 */
export const bedrockEmbeddings: BedrockEmbeddingProvider = createBedrockEmbeddingProvider();
