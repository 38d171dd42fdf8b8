/**
 * `@bedrock-embeddings/ai-sdk-provider`: every AWS Bedrock embedding model as a Vercel AI SDK
 * embedding model, for `embed()` and `embedMany()` of ai@7 (spec v4, the default), ai@6 (v3),
 * ai@5 (v2) and ai@4 (v1).
 *
 * @module @bedrock-embeddings/ai-sdk-provider
 */
export type { EmbeddingModelV1Spec, EmbeddingModelV2Spec, EmbeddingModelV3Spec } from './compat.js';
export {
  BedrockEmbeddingModel,
  type JsonObject,
  type JsonValue,
  PROVIDER_NAME,
  type SpecWarning,
} from './embedding-model.js';
export {
  type BedrockEmbeddingCallOptions,
  type BedrockEmbeddingSettings,
  PROVIDER_OPTIONS_KEY,
  type SpecificationVersion,
} from './options.js';
export {
  type BedrockEmbeddingModelFor,
  type BedrockEmbeddingModelSettings,
  type BedrockEmbeddingProvider,
  type BedrockEmbeddingProviderOptions,
  type BedrockRerankingModelFor,
  bedrockEmbeddings,
  createBedrockEmbeddingProvider,
} from './provider.js';
export {
  type BedrockRerankingCallOptions,
  BedrockRerankingModel,
  type BedrockRerankingSettings,
  type RerankingModelV3Spec,
} from './reranking-model.js';
