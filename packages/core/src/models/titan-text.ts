/**
 * Amazon Titan Text Embeddings: G1 (`amazon.titan-embed-text-v1`) and V2
 * (`amazon.titan-embed-text-v2:0`). One text per request. Wire format: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html
 * (AWS "Amazon Titan Embeddings Text" parameters page).
 */
import type { EmbeddingType, ModelFamily, ModelSpec, ParsedResponse } from '../types.js';
import {
  checkTextLength,
  invalidInput,
  isRecord,
  isVector,
  malformedResponse,
  rejectMedia,
  single,
  withFloat,
  withProviderOptions,
} from './family-helpers.js';

const PRICE_SOURCE =
  "LiteLLM model_prices_and_context_window.json @00035b69 input_cost_per_token; not checked against AWS's pricing page";

const V1 = 'amazon.titan-embed-text-v1';
const V2 = 'amazon.titan-embed-text-v2:0';

/**
 * Character ceilings. V2 documents 50,000 characters. V1 only documents 8,192 tokens; it has the
 * same token window, so the same 50,000-character ceiling is used (≈6 characters a token, above
 * the documented 4.7 average, so only clearly over-long text is stopped here; Bedrock judges the rest).
 */
const MAX_CHARS = 50_000;

const models: ModelSpec[] = [
  {
    id: V1,
    aliases: ['amazon.titan-embed-g1-text-02'],
    name: 'Amazon Titan Embeddings G1 - Text',
    capabilities: {
      syncModalities: ['text'],
      asyncModalities: [],
      dimensions: { allowed: [1536], default: 1536 },
      maxInputsPerRequest: 1,
      embeddingTypes: [],
      truncate: [],
      normalize: false,
      bodyFields: { inputText: 'inputs' },
    },
    // No model card found; not among the Legacy or EOL versions of AWS's lifecycle page.
    lifecycle: {
      status: 'ACTIVE',
      source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html',
    },
    pricing: { perInputToken: 1e-7, source: PRICE_SOURCE },
  },
  {
    // `amazon.titan-embed-text-v2` (without `:0`) is deliberately not an alias: no AWS source
    // lists it as a valid model id, so routing it would only move the failure to Bedrock.
    id: V2,
    name: 'Amazon Titan Text Embeddings V2',
    capabilities: {
      syncModalities: ['text'],
      asyncModalities: [],
      dimensions: { allowed: [1024, 512, 256], default: 1024 },
      maxInputsPerRequest: 1,
      embeddingTypes: ['binary'],
      truncate: [],
      normalize: true,
      bodyFields: {
        inputText: 'inputs',
        dimensions: 'dimensions',
        normalize: 'normalize',
        embeddingTypes: 'embeddingTypes',
      },
    },
    lifecycle: {
      status: 'ACTIVE',
      source:
        'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-amazon-titan-text-embeddings-v2-2.html',
    },
    pricing: { perInputToken: 2e-8, source: PRICE_SOURCE },
  },
];

/** Titan Text Embeddings G1 and V2. */
export const titanText: ModelFamily = {
  id: 'titan-text',
  models,

  validateInput(input, _params, ctx) {
    rejectMedia(ctx, input, ['image', 'images', 'video', 'audio']);
    if (input.text === undefined || input.text.length === 0) {
      throw invalidInput(ctx, 'text', 'text must be a non-empty string.');
    }
    checkTextLength(ctx, input.text, MAX_CHARS);
  },

  toRequestBody(batch, params, ctx) {
    const body: Record<string, unknown> = { inputText: single(batch, ctx).text };
    if (ctx.model.id === V2) {
      body.dimensions = params.dimensions;
      if (params.normalize !== undefined) body.normalize = params.normalize;
      if (params.embeddingTypes !== undefined) body.embeddingTypes = withFloat(params.embeddingTypes);
    }
    return withProviderOptions(body, params.providerOptions);
  },

  fromResponseBody(body, _batchSize, _params, ctx): ParsedResponse {
    if (!isRecord(body)) throw malformedResponse(ctx, 'expected a JSON object.');
    const byType = isRecord(body.embeddingsByType) ? body.embeddingsByType : undefined;
    // V2 documents `embedding` as always present; `embeddingsByType.float` is the fallback.
    const embedding = body.embedding ?? byType?.float;
    if (!isVector(embedding)) throw malformedResponse(ctx, 'no `embedding` vector.');
    const parsed: ParsedResponse = { embeddings: [embedding] };
    if (byType !== undefined) {
      const others: Partial<Record<EmbeddingType, number[][]>> = {};
      let found = false;
      for (const [type, vector] of Object.entries(byType)) {
        if (type === 'float') continue;
        if (!isVector(vector)) throw malformedResponse(ctx, `\`embeddingsByType.${type}\` is not a vector.`);
        others[type as EmbeddingType] = [vector];
        found = true;
      }
      if (found) parsed.embeddingsByType = others;
    }
    if (typeof body.inputTextTokenCount === 'number') parsed.inputTokens = body.inputTextTokenCount;
    return parsed;
  },
};
