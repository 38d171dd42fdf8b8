/**
 * Amazon Titan Multimodal Embeddings G1 (`amazon.titan-embed-image-v1`): one text, one image, or
 * both (Bedrock averages the two vectors) per request. Wire format: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-mm.html
 * (AWS "Amazon Titan Multimodal Embeddings G1" parameters page).
 */
import type { ModelFamily, ParsedResponse } from '../types.js';
import {
  checkImage,
  checkTextLength,
  type ImageRules,
  invalidInput,
  isRecord,
  isVector,
  malformedResponse,
  rejectMedia,
  single,
  withProviderOptions,
} from './family-helpers.js';

/**
 * Current model page: png/jpeg, 25 MB (an older capture said 5 MB), read as MiB so no image Bedrock
 * accepts is refused here. The body has no S3 field.
 */
const IMAGE_RULES: ImageRules = { formats: ['png', 'jpeg'], maxBytes: 25 * 1024 * 1024 };

/**
 * The current model page allows 256 text tokens (an older capture said 8,192). Tokens cannot be
 * counted here; 2,048 characters (8 a token, well above the ~4.7 English average) stops only text
 * that is clearly too long and leaves the exact judgement to Bedrock.
 */
const MAX_TEXT_CHARS = 2_048;

/** Titan Multimodal Embeddings G1: text, image, or text + image. */
export const titanMultimodal: ModelFamily = {
  id: 'titan-multimodal',
  models: [
    {
      id: 'amazon.titan-embed-image-v1',
      name: 'Amazon Titan Multimodal Embeddings G1',
      capabilities: {
        syncModalities: ['text', 'image'],
        asyncModalities: [],
        dimensions: { allowed: [1024, 384, 256], default: 1024 },
        maxInputsPerRequest: 1,
        embeddingTypes: [],
        truncate: [],
        normalize: false,
        bodyFields: {
          inputText: 'inputs',
          inputImage: 'inputs',
          'embeddingConfig.outputEmbeddingLength': 'dimensions',
        },
      },
      // No model card found; not among the Legacy or EOL versions of AWS's lifecycle page.
      lifecycle: {
        status: 'ACTIVE',
        source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html',
      },
      pricing: {
        perInputToken: 8e-7,
        perImage: 6e-5,
        source:
          "LiteLLM model_prices_and_context_window.json @00035b69 input_cost_per_token and input_cost_per_image; not checked against AWS's pricing page",
      },
    },
  ],

  validateInput(input, _params, ctx) {
    rejectMedia(ctx, input, ['images', 'video', 'audio']);
    if (input.text === undefined && input.image === undefined) {
      throw invalidInput(ctx, 'text', 'an input needs a text, an image, or both.');
    }
    if (input.text !== undefined) {
      if (input.text.length === 0) throw invalidInput(ctx, 'text', 'text must not be empty.');
      checkTextLength(ctx, input.text, MAX_TEXT_CHARS, ' (the model reads at most 256 tokens)');
    }
    if (input.image !== undefined) checkImage(ctx, 'image', input.image, IMAGE_RULES);
  },

  toRequestBody(batch, params, ctx) {
    const input = single(batch, ctx);
    const body: Record<string, unknown> = {};
    if (input.text !== undefined) body.inputText = input.text;
    if (input.image?.source.type === 'base64') body.inputImage = input.image.source.data;
    body.embeddingConfig = { outputEmbeddingLength: params.dimensions };
    return withProviderOptions(body, params.providerOptions);
  },

  fromResponseBody(body, _batchSize, _params, ctx): ParsedResponse {
    if (!isRecord(body)) throw malformedResponse(ctx, 'expected a JSON object.');
    if (!isVector(body.embedding)) {
      // `message` "specifies any errors that occur during generation": surface it when there is no vector.
      const message =
        typeof body.message === 'string' && body.message !== '' ? ` Model message: ${body.message}` : '';
      throw malformedResponse(ctx, `no \`embedding\` vector.${message}`);
    }
    const parsed: ParsedResponse = { embeddings: [body.embedding] };
    if (typeof body.inputTextTokenCount === 'number') parsed.inputTokens = body.inputTextTokenCount;
    return parsed;
  },
};
