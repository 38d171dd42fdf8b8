/**
 * Type tests, checked by `pnpm typecheck`: the models (and providers) of each spec version are
 * what each `ai` major's `embed()` / `embedMany()` and provider registries accept.
 */
import type { EmbeddingModelV4, ProviderV3, ProviderV4 } from '@ai-sdk/provider';
import { type EmbeddingModel as EmbeddingModel7, embed } from 'ai';
import type { EmbeddingModel as EmbeddingModel4 } from 'ai4';
import type { EmbeddingModel as EmbeddingModel5 } from 'ai5';
import type { EmbeddingModel as EmbeddingModel6 } from 'ai6';
import type { EmbeddingModelV1, ProviderV1 } from 'provider-v1';
import type { EmbeddingModelV2, ProviderV2 } from 'provider-v2';
import type { EmbeddingModelV3 } from 'provider-v3';
import {
  type BedrockEmbeddingCallOptions,
  bedrockEmbeddings,
  createBedrockEmbeddingProvider,
} from '../src/index.js';

const id = 'amazon.titan-embed-text-v2:0';

// ai@7 (spec v4): the default provider and every way of getting a model.
export const v4Models: EmbeddingModel7[] = [
  bedrockEmbeddings(id),
  bedrockEmbeddings.embedding(id, { purpose: 'query' }),
  bedrockEmbeddings.embeddingModel(id),
  bedrockEmbeddings.textEmbeddingModel(id),
];
export const v4Exact: EmbeddingModelV4 = bedrockEmbeddings(id);
export const v4Provider: ProviderV4 = bedrockEmbeddings;

// ai@6 (spec v3): per model, or for a whole provider.
const v3 = createBedrockEmbeddingProvider({ specificationVersion: 'v3' });
export const v3Models: EmbeddingModel6[] = [
  bedrockEmbeddings(id, { specificationVersion: 'v3' }),
  v3(id),
  v3.embeddingModel(id),
];
export const v3Exact: EmbeddingModelV3 = v3(id);
export const v3Provider: ProviderV3 = v3;

// ai@5 (spec v2).
const v2 = createBedrockEmbeddingProvider({ specificationVersion: 'v2' });
export const v2Models: EmbeddingModel5<string>[] = [
  bedrockEmbeddings.embedding(id, { specificationVersion: 'v2' }),
  v2(id),
  v2.textEmbeddingModel(id),
];
export const v2Exact: EmbeddingModelV2<string> = v2(id);
export const v2Provider: ProviderV2 = v2;

// ai@4 (spec v1).
const v1 = createBedrockEmbeddingProvider({ specificationVersion: 'v1' });
export const v1Models: EmbeddingModel4<string>[] = [
  bedrockEmbeddings.embedding(id, { specificationVersion: 'v1' }),
  v1(id),
  v1.textEmbeddingModel(id),
];
export const v1Exact: EmbeddingModelV1<string> = v1(id);
export const v1Provider: ProviderV1 = v1;

// Typed provider options fit ai@7's `providerOptions`.
export const typedCall = () =>
  embed({
    model: bedrockEmbeddings(id),
    value: 'x',
    providerOptions: { bedrock: { purpose: 'query', dimensions: 256 } satisfies BedrockEmbeddingCallOptions },
  });

// A model of one version is not accepted where another is expected.
// @ts-expect-error a v1 model is not an ai@7 model
export const wrongMajor: EmbeddingModel7 = v1(id);
// @ts-expect-error settings are checked: `purpose` is a Purpose
export const wrongSetting = bedrockEmbeddings(id, { purpose: 'search_query' });
