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
