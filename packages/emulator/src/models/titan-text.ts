/**
 * Amazon Titan Text Embeddings: G1 (`amazon.titan-embed-text-v1`, also served as
 * `amazon.titan-embed-g1-text-02`) and V2 (`amazon.titan-embed-text-v2:0`). One text per request; the
 * token count is in the body (`inputTextTokenCount`).
 */
import { countTokens, textVector, toBits } from '../vectors.js';
import type { EmulatedModel, InvokeResult } from './types.js';
import { EmulatedValidationError } from './types.js';
import { at, boolean, enumList, integerOneOf, object, string } from './validation.js';

const MAX_TOKENS = 8192;

function checkTokens(text: string): number {
  const tokens = countTokens(text);
  if (tokens > MAX_TOKENS) {
    throw new EmulatedValidationError(
      `400 Bad Request: Too many input tokens. Max input tokens: ${MAX_TOKENS}, request input token count: ${tokens}`,
    );
  }
  return tokens;
}

const V1_ID = 'amazon.titan-embed-text-v1';

/** Titan Embeddings G1 - Text: `{ inputText }` -> `{ embedding (1536, not normalised), inputTextTokenCount }`. */
export const titanTextV1: EmulatedModel = {
  ids: [V1_ID, 'amazon.titan-embed-g1-text-02'],
  sync: 'base-or-profile',
  async: 'none',
  invoke(body): InvokeResult {
    const req = object(body, '#', ['inputText'], ['inputText']);
    const text = string(req.inputText, '#/inputText', { minLength: 1 });
    const tokens = checkTokens(text);
    // G1 vectors are not unit length: the raw hashed-feature vector is returned.
    const embedding = textVector(V1_ID, text, 1536, { normalize: false });
    return { body: { embedding, inputTextTokenCount: tokens }, inputTokenCount: tokens, items: 1, tokens };
  },
};

const V2_ID = 'amazon.titan-embed-text-v2:0';

/**
 * Titan Text Embeddings V2: `{ inputText, dimensions?, normalize?, embeddingTypes? }` ->
 * `{ embedding, inputTextTokenCount, embeddingsByType }`. `embeddingsByType` always holds `float`, plus
 * `binary` (0/1 per dimension) when asked.
 */
export const titanTextV2: EmulatedModel = {
  ids: [V2_ID],
  sync: 'base-or-profile',
  async: 'none',
  invoke(body): InvokeResult {
    const req = object(body, '#', ['inputText', 'dimensions', 'normalize', 'embeddingTypes'], ['inputText']);
    const text = string(req.inputText, '#/inputText', { minLength: 1, maxLength: 50_000 });
    const dims =
      req.dimensions === undefined
        ? 1024
        : integerOneOf(req.dimensions, at('#', 'dimensions'), [1024, 512, 256]);
    const normalize = req.normalize === undefined ? true : boolean(req.normalize, '#/normalize');
    const types =
      req.embeddingTypes === undefined
        ? ['float']
        : enumList(req.embeddingTypes, '#/embeddingTypes', ['float', 'binary']);
    const tokens = checkTokens(text);
    const embedding = textVector(V2_ID, text, dims, { normalize });
    const embeddingsByType: Record<string, number[]> = { float: embedding };
    if (types.includes('binary')) embeddingsByType.binary = toBits(embedding);
    return {
      body: { embedding, inputTextTokenCount: tokens, embeddingsByType },
      inputTokenCount: tokens,
      items: 1,
      tokens,
    };
  },
};
