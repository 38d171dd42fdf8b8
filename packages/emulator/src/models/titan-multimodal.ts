/**
 * Amazon Titan Multimodal Embeddings G1 (`amazon.titan-embed-image-v1`): one text and/or one image per
 * request; with both, the answer is the average of the text and image vectors, as AWS documents.
 */
import { averageVectors, countTokens, mediaKey, mediaVector, textVector } from '../vectors.js';
import { decodeBase64, requireImage, requireSize } from './media.js';
import type { EmulatedModel, InvokeResult } from './types.js';
import { EmulatedValidationError } from './types.js';
import { fail, integerOneOf, object, string } from './validation.js';

const ID = 'amazon.titan-embed-image-v1';
const MAX_TEXT_TOKENS = 256;
const MAX_IMAGE_BYTES = 25 * 1024 * 1024;
const MAX_IMAGE_SIDE = 2048;

/** Titan Multimodal G1: `{ inputText?, inputImage?, embeddingConfig? }` -> `{ embedding, inputTextTokenCount, message }`. */
export const titanMultimodal: EmulatedModel = {
  ids: [ID],
  sync: 'base-or-profile',
  async: 'none',
  invoke(body): InvokeResult {
    const req = object(body, '#', ['inputText', 'inputImage', 'embeddingConfig']);
    if (req.inputText === undefined && req.inputImage === undefined) {
      fail('#', 'at least one of [inputText, inputImage] is required');
    }
    let dims = 1024;
    if (req.embeddingConfig !== undefined) {
      const config = object(req.embeddingConfig, '#/embeddingConfig', ['outputEmbeddingLength']);
      if (config.outputEmbeddingLength !== undefined) {
        dims = integerOneOf(
          config.outputEmbeddingLength,
          '#/embeddingConfig/outputEmbeddingLength',
          [256, 384, 1024],
        );
      }
    }
    const vectors: number[][] = [];
    let tokens = 0;
    if (req.inputText !== undefined) {
      const text = string(req.inputText, '#/inputText', { minLength: 1 });
      tokens = countTokens(text);
      if (tokens > MAX_TEXT_TOKENS) {
        throw new EmulatedValidationError(
          `400 Bad Request: Too many input tokens. Max input tokens: ${MAX_TEXT_TOKENS}, request input token count: ${tokens}`,
        );
      }
      vectors.push(textVector(ID, text, dims));
    }
    if (req.inputImage !== undefined) {
      const bytes = decodeBase64(string(req.inputImage, '#/inputImage', { minLength: 1 }), '#/inputImage');
      requireSize(bytes, '#/inputImage', MAX_IMAGE_BYTES);
      const info = requireImage(bytes, '#/inputImage', ['png', 'jpeg']);
      if (info.width > MAX_IMAGE_SIDE || info.height > MAX_IMAGE_SIDE) {
        fail(
          '#/inputImage',
          `image resolution ${info.width}x${info.height} exceeds the maximum of 2048x2048 pixels`,
        );
      }
      vectors.push(mediaVector(ID, mediaKey(bytes), dims, 'image'));
    }
    return {
      body: { embedding: averageVectors(vectors), inputTextTokenCount: tokens, message: null },
      inputTokenCount: tokens,
      items: 1,
      tokens,
    };
  },
};
