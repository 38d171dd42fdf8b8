/**
 * Cohere Embed on Bedrock: English v3, Multilingual v3 and v4. Up to 96 inputs per request.
 * Wire format: AWS's Cohere Embed parameter pages, https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html (v3) and https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v4.html (v4).
 *
 * Defaults (README table):
 * - `purpose` defaults to `document` (`input_type: search_document`). Bedrock requires
 *   `input_type`; bulk embedding is mostly indexing, and LiteLLM defaults the same way, so vectors
 *   stay interchangeable with theirs. Queries must pass `purpose: 'query'` (the LangChain adapter's
 *   `embedQuery` does).
 * - v3 images are always sent with `input_type: image`, as v3 requires; v4 images use the purpose.
 * - `embeddingTypes` always includes `float`, so `embeddings` is filled whatever else is asked.
 * - `truncate` is sent only when given (Bedrock's default is `NONE`: over-long text is an error).
 */
import type {
  EmbeddingType,
  FamilyContext,
  Media,
  ModelFamily,
  ModelSpec,
  NormalizedInput,
  ParsedResponse,
  Purpose,
  ResolvedParams,
  Truncate,
} from '../types.js';
import {
  checkImage,
  checkTextLength,
  type ImageRules,
  imageFormat,
  invalidInput,
  isRecord,
  isVectorList,
  malformedResponse,
  rejectMedia,
  withFloat,
  withProviderOptions,
} from './family-helpers.js';

const V4 = 'cohere.embed-v4:0';

const PRICE_SOURCE =
  "LiteLLM model_prices_and_context_window.json @00035b69 input_cost_per_token; not checked against AWS's pricing page; image pricing unknown";

const COMMON_CAPABILITIES = {
  syncModalities: ['text', 'image'],
  asyncModalities: [],
  maxInputsPerRequest: 96,
  purposes: ['document', 'query', 'classification', 'clustering'],
  defaultPurpose: 'document',
  embeddingTypes: ['int8', 'uint8', 'binary', 'ubinary'],
  truncate: ['none', 'start', 'end'],
  normalize: false,
  bodyFields: {
    texts: 'inputs',
    images: 'inputs',
    inputs: 'inputs',
    input_type: 'purpose',
    truncate: 'truncate',
    embedding_types: 'embeddingTypes',
  },
} satisfies Omit<ModelSpec['capabilities'], 'dimensions'>;

/** `truncate` as each version spells it. */
const V3_TRUNCATE: Record<Truncate, string> = { none: 'NONE', start: 'START', end: 'END' };
const V4_TRUNCATE: Record<Truncate, string> = { none: 'NONE', start: 'LEFT', end: 'RIGHT' };

/** v3: 96 texts, but only one image, per request. */
const V3_CAPABILITIES: ModelSpec['capabilities'] = {
  ...COMMON_CAPABILITIES,
  dimensions: { allowed: [1024], default: 1024 },
  maxMediaInputsPerRequest: 1,
  truncateValues: V3_TRUNCATE,
};

const models: ModelSpec[] = [
  {
    id: 'cohere.embed-english-v3',
    name: 'Cohere Embed English v3',
    capabilities: V3_CAPABILITIES,
    lifecycle: {
      status: 'ACTIVE',
      source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-cohere-embed-english.html',
    },
    pricing: { perInputToken: 1e-7, source: PRICE_SOURCE },
  },
  {
    id: 'cohere.embed-multilingual-v3',
    name: 'Cohere Embed Multilingual v3',
    capabilities: V3_CAPABILITIES,
    // Not among the Legacy or EOL versions of AWS's lifecycle page.
    lifecycle: {
      status: 'ACTIVE',
      source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html',
    },
    pricing: { perInputToken: 1e-7, source: PRICE_SOURCE },
  },
  {
    id: V4,
    // AWS's model page names the model `cohere.embed-v4`; its code sample uses `cohere.embed-v4:0`.
    aliases: ['cohere.embed-v4'],
    name: 'Cohere Embed v4',
    capabilities: {
      ...COMMON_CAPABILITIES,
      dimensions: { allowed: [1536, 1024, 512, 256], default: 1536 },
      // "Request size cap: ~20 MB total payload" (AWS's v4 page), below InvokeModel's 25 MB.
      maxRequestBytes: 20_000_000,
      bodyFields: { ...COMMON_CAPABILITIES.bodyFields, output_dimension: 'dimensions' },
      truncateValues: V4_TRUNCATE,
    },
    lifecycle: {
      status: 'ACTIVE',
      source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-cohere-embed-v4.html',
    },
    pricing: { perInputToken: 1.2e-7, source: PRICE_SOURCE },
  },
];

/** AWS writes "5 MB"; read as MiB so no image Bedrock accepts is refused here (Bedrock judges the rest). */
const MIB = 1024 * 1024;
/** v3: texts of at most 2,048 characters; one jpeg/png image per request, 5 MB. */
const V3_TEXT_CHARS = 2_048;
const V3_IMAGE: ImageRules = { formats: ['png', 'jpeg'], maxBytes: 5 * MIB };
/**
 * How a v4 interleaved `image_url` part carries its data URI. AWS's English model page
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v4.html) shows a
 * string, other renderings of that page and Cohere's own API show `{ url }`; which one Bedrock takes
 * is unconfirmed. We send `{ url }`: Cohere's API is the schema the model was built against, and
 * the emulator accepts both. To switch, make this `(uri) => uri`.
 */
const imageUrl = (uri: string): string | { url: string } => ({ url: uri });
/**
 * v4: a context of 128,000 tokens (AWS's v4 page); 6 characters a token (above the ~4.7 English
 * average) stops only text that is certainly longer. Checked when Bedrock would not truncate.
 */
const V4_TEXT_CHARS = 128_000 * 6;
/** v4: png/jpeg/webp/gif images of 5 MB each. Cohere takes data URIs only, never S3. */
const V4_IMAGE: ImageRules = { formats: ['png', 'jpeg', 'webp', 'gif'], maxBytes: 5 * MIB };

const INPUT_TYPES: Partial<Record<Purpose, string>> = {
  document: 'search_document',
  query: 'search_query',
  classification: 'classification',
  clustering: 'clustering',
};

/** How an input travels: in `texts`, in `images`, or (v4) as one item of interleaved `inputs`. */
type Carrier = 'texts' | 'images' | 'inputs';

function carrierOf(input: NormalizedInput): Carrier {
  if (input.image === undefined && input.images === undefined) return 'texts';
  if (input.text === undefined && input.images === undefined) return 'images';
  return 'inputs';
}

/** Media in all of an input's image fields, in body order. */
function imagesOf(input: NormalizedInput): Media[] {
  const images = input.image === undefined ? [] : [input.image];
  return input.images === undefined ? images : [...images, ...input.images];
}

/** The data URI Cohere wants (`data:image/png;base64,...`). Validation ensured base64 and a format. */
function dataUri(media: Media): string {
  const data = media.source.type === 'base64' ? media.source.data : '';
  return `data:${media.mediaType ?? `image/${imageFormat(media)}`};base64,${data}`;
}

function validate(input: NormalizedInput, params: ResolvedParams, ctx: FamilyContext): void {
  rejectMedia(ctx, input, ['video', 'audio']);
  const isV4 = ctx.model.id === V4;
  if (input.text === undefined && input.image === undefined && (input.images?.length ?? 0) === 0) {
    throw invalidInput(ctx, 'text', 'an input needs a text or an image.');
  }
  if (!isV4) {
    if (input.images !== undefined) {
      throw invalidInput(ctx, 'images', 'Cohere Embed v3 takes one image per input; `images` needs v4.');
    }
    if (input.text !== undefined && input.image !== undefined) {
      throw invalidInput(
        ctx,
        'image',
        'Cohere Embed v3 embeds a text or an image, not both; use v4 for text + image.',
      );
    }
    if (input.text !== undefined) checkTextLength(ctx, input.text, V3_TEXT_CHARS);
  } else if (input.text !== undefined && (params.truncate ?? 'none') === 'none') {
    // Without truncation, text over the context is refused by Bedrock: stop what is certainly over.
    checkTextLength(ctx, input.text, V4_TEXT_CHARS, ' (128,000 tokens; or pass truncate)');
  }
  const rules = isV4 ? V4_IMAGE : V3_IMAGE;
  imagesOf(input).forEach((media, i) => {
    const parameter = input.image !== undefined && i === 0 ? 'image' : 'images';
    checkImage(ctx, parameter, media, rules);
    if (imageFormat(media) === undefined) {
      throw invalidInput(
        ctx,
        parameter,
        `cannot tell the image format; give it as { value, format: 'png' }.`,
      );
    }
  });
}

function inputType(params: ResolvedParams, carrier: Carrier, ctx: FamilyContext): string {
  if (ctx.model.id !== V4 && carrier === 'images') return 'image';
  const purpose = params.purpose ?? 'document';
  const type = INPUT_TYPES[purpose];
  if (type === undefined) throw invalidInput(ctx, 'purpose', `purpose \`${purpose}\` is not supported.`);
  return type;
}

/** Cohere Embed English v3, Multilingual v3 and v4. */
export const cohere: ModelFamily = {
  id: 'cohere',
  models,

  validateInput(input, params, ctx) {
    validate(input, params, ctx);
  },

  toRequestBody(batch, params, ctx) {
    const isV4 = ctx.model.id === V4;
    const [first] = batch;
    if (first === undefined) throw new Error(`${ctx.modelId}: empty batch`);
    const carrier = carrierOf(first);
    if (batch.some((input) => carrierOf(input) !== carrier)) {
      throw new Error(`${ctx.modelId}: a request cannot mix ${carrier} with other kinds of input`);
    }
    if (!isV4 && carrier === 'images' && batch.length > 1) {
      throw new Error(`${ctx.modelId}: Cohere Embed v3 takes one image per request, got ${batch.length}`);
    }
    const body: Record<string, unknown> = { input_type: inputType(params, carrier, ctx) };
    if (carrier === 'texts') body.texts = batch.map((input) => input.text);
    else if (carrier === 'images') body.images = batch.map((input) => dataUri(imagesOf(input)[0] as Media));
    else {
      body.inputs = batch.map((input) => ({
        content: [
          ...(input.text === undefined ? [] : [{ type: 'text', text: input.text }]),
          ...imagesOf(input).map((media) => ({ type: 'image_url', image_url: imageUrl(dataUri(media)) })),
        ],
      }));
    }
    if (params.truncate !== undefined && carrier !== 'images') {
      body.truncate = (isV4 ? V4_TRUNCATE : V3_TRUNCATE)[params.truncate];
    }
    if (params.embeddingTypes !== undefined) body.embedding_types = withFloat(params.embeddingTypes);
    if (isV4) body.output_dimension = params.dimensions;
    return withProviderOptions(body, params.providerOptions);
  },

  fromResponseBody(body, batchSize, _params, ctx): ParsedResponse {
    if (!isRecord(body)) throw malformedResponse(ctx, 'expected a JSON object.');
    const { embeddings } = body;
    const parsed: ParsedResponse = { embeddings: [] };
    if (Array.isArray(embeddings)) {
      // `response_type: embeddings_floats`
      if (!isVectorList(embeddings, batchSize)) {
        throw malformedResponse(ctx, `expected ${batchSize} vectors in \`embeddings\`.`);
      }
      parsed.embeddings = embeddings;
    } else if (isRecord(embeddings)) {
      // `response_type: embeddings_by_type`
      const byType: Partial<Record<EmbeddingType, number[][]>> = {};
      let others = false;
      for (const [type, vectors] of Object.entries(embeddings)) {
        if (!isVectorList(vectors, batchSize)) {
          throw malformedResponse(ctx, `expected ${batchSize} vectors in \`embeddings.${type}\`.`);
        }
        if (type === 'float') parsed.embeddings = vectors;
        else {
          byType[type as EmbeddingType] = vectors;
          others = true;
        }
      }
      if (parsed.embeddings.length === 0) {
        throw malformedResponse(
          ctx,
          'no `float` embeddings (was `embedding_types` overridden in providerOptions without `float`?).',
        );
      }
      if (others) parsed.embeddingsByType = byType;
    } else {
      throw malformedResponse(ctx, 'no `embeddings` list or object.');
    }
    const meta = isRecord(body.meta) ? body.meta : undefined;
    const billed = isRecord(meta?.billed_units) ? meta.billed_units : undefined;
    if (typeof billed?.input_tokens === 'number') parsed.inputTokens = billed.input_tokens;
    return parsed;
  },
};
