/**
 * `@bedrock-embeddings/langchain`: every AWS Bedrock embedding model as a LangChain.js
 * `Embeddings` (`BedrockEmbeddings`), with the core's types and typed errors re-exported so a
 * pipeline needs only this import.
 *
 * @module @bedrock-embeddings/langchain
 */
export type {
  AsyncEmbedResults,
  EmbeddingInput,
  EmbeddingSegment,
  EmbeddingWarning,
  FamilyId,
  MediaInput,
  MediaValue,
  Purpose,
  Usage,
} from '@bedrock-embeddings/core';
export {
  AbortError,
  AsyncJobFailedError,
  AsyncOutputError,
  AuthError,
  BedrockEmbeddingsError,
  createBedrockEmbeddings,
  ServiceError,
  ThrottlingError,
  TimeoutError,
  UnknownModelError,
  UnsupportedParameterError,
  ValidationError,
} from '@bedrock-embeddings/core';
export type {
  BedrockEmbeddingsCallInfo,
  BedrockEmbeddingsCallOptions,
  BedrockEmbeddingsParams,
  EmbedImagesOptions,
  EmbedMediaOptions,
  EmbedMediaResult,
} from './embeddings.js';
export { BedrockEmbeddings } from './embeddings.js';
export {
  BedrockRerank,
  type BedrockRerankParams,
  type RankedDocument,
  RELEVANCE_SCORE_KEY,
} from './rerank.js';
