/**
 * TwelveLabs Marengo Embed 2.7 and 3.0: one input per request; text and images sync, video and
 * audio only through async invoke. 2.7 bodies are flat; 3.0 bodies nest the input under a key
 * named after `inputType`. Vectors are symmetric (no query/document purposes).
 * Wire format: https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-marengo.html (2.7) and https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-marengo-3.html
 * (3.0, AWS page plus LiteLLM/stdapi.ai for the body shape); async output: §5.5.
 */
import { vectorProblem } from '../embed/check.js';
import type {
  AsyncOutput,
  AsyncOutputReader,
  BodyFieldSource,
  EmbeddingSegment,
  FamilyContext,
  Media,
  ModelFamily,
  ModelSpec,
  NormalizedInput,
  ParsedResponse,
  ResolvedParams,
} from '../types.js';
import {
  listOption,
  numberOption,
  onlyFor,
  outputError,
  outputLocation,
  readRecords,
  rejectUnknownOptions,
} from './async-helpers.js';
import {
  checkBucketOwner,
  checkImageBytes,
  inlineByteLength,
  invalidInput,
  isRecord,
  isVector,
  itemVectors,
  optionalNumber,
  optionalString,
  s3Location,
  single,
  withProviderOptions,
} from './family-helpers.js';

const MARENGO_27 = 'twelvelabs.marengo-embed-2-7-v1:0';
const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';

/** Marengo's `inputType`: 2.7 has the first four; 3.0 adds text + image and text + several images. */
type InputType = 'text' | 'image' | 'video' | 'audio' | 'text_image' | 'multi_input';

/** A generous ceiling on characters per token, to stop only text that is certainly too long. */
const MAX_CHARS_PER_TOKEN = 6;
/** Text limits in tokens (AWS: 2.7 77 tokens, 3.0 500 tokens; https://docs.aws.amazon.com/bedrock/latest/userguide/quotas.html). */
const MAX_TEXT_TOKENS = { [MARENGO_27]: 77, [MARENGO_30]: 500 } as const;
/** Image formats Marengo reads (AWS's Marengo pages: PNG and JPEG). */
const IMAGE_FORMATS = ['png', 'jpeg'] as const;
/** AWS: images up to 5 MB (read as 5 MiB, as AWS's other image limits are). */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/**
 * Inline video/audio: AWS allows 36 MB of base64 but the InvokeModel / StartAsyncInvoke body is
 * capped at 25,000,000 bytes, which holds the base64 of 18 MB. Larger media must come from S3.
 */
const MAX_INLINE_MEDIA_BYTES = 18_000_000;

const OPTIONS_27 = ['visual-text', 'visual-image', 'audio'] as const;
const OPTIONS_30 = ['visual', 'audio', 'transcription'] as const;
/** 3.0's vectors for audio: it has no visual vector (asking for one is a 400 from the service). */
const AUDIO_OPTIONS_30 = ['audio', 'transcription'] as const;
const SCOPES_30 = ['clip', 'asset'] as const;

/** Async options for Marengo Embed 2.7 (`startAsyncEmbed({ asyncOptions })`), sent as body fields. */
export interface Marengo27AsyncOptions {
  /** Video/audio: start offset in seconds (>= 0; AWS's default 0). */
  startSec?: number;
  /** Video/audio: seconds to embed from `startSec` (> 0; AWS's default: to the end). */
  lengthSec?: number;
  /** Video/audio: fixed clip length in seconds, 2-10. Absent: shot boundaries (video), ~10 s (audio). */
  useFixedLengthSec?: number;
  /** Video: shortest clip in whole seconds for shot-boundary segmentation (range UNCONFIRMED; AWS's default 4). */
  minClipSec?: number;
  /** Video: which vectors per clip (AWS's default: all). */
  embeddingOption?: (typeof OPTIONS_27)[number][];
}

/** Async options for Marengo Embed 3.0, sent inside the body's `video` / `audio` object. */
export interface Marengo30AsyncOptions {
  /** Start offset in seconds (>= 0). */
  startSec?: number;
  /** End offset in seconds (> `startSec`). */
  endSec?: number;
  /** Which vectors per segment (AWS's default: all available); audio takes `audio` and `transcription` only. */
  embeddingOption?: (typeof OPTIONS_30)[number][];
  /** One vector per clip, one for the whole asset, or both. */
  embeddingScope?: (typeof SCOPES_30)[number][];
  /**
   * `fixed` clips of `durationSec` (1-10, default 6) or `dynamic` (shot-based) clips of at least
   * `minDurationSec` (1-5, default 4). AWS's own shape (`{ method, fixed: { durationSec } }`) is accepted too.
   */
  segmentation?:
    | {
        /** Clips of one length. */
        method: 'fixed';
        /** Clip length in seconds, 1-10 (default 6). */
        durationSec?: number;
      }
    | {
        /** Clips cut at shot boundaries. */
        method: 'dynamic';
        /** Shortest clip in seconds, 1-5 (default 4). */
        minDurationSec?: number;
      };
}

const KEYS_27 = ['startSec', 'lengthSec', 'useFixedLengthSec', 'minClipSec', 'embeddingOption'] as const;
const KEYS_30 = ['startSec', 'endSec', 'embeddingOption', 'embeddingScope', 'segmentation'] as const;

function is30(ctx: FamilyContext): boolean {
  return ctx.model.id === MARENGO_30;
}

/** The `inputType` an input maps to, or a ValidationError for combinations the model lacks. */
function inputTypeOf(input: NormalizedInput, ctx: FamilyContext): InputType {
  const v3 = is30(ctx);
  const { text, image, images, video, audio } = input;
  const media = [image && 'image', images && 'images', video && 'video', audio && 'audio'].filter(Boolean);
  if ((video || audio) && (media.length > 1 || text !== undefined)) {
    throw invalidInput(
      ctx,
      video ? 'video' : 'audio',
      'video and audio must be embedded alone, one per job.',
    );
  }
  if (video) return 'video';
  if (audio) return 'audio';
  if (images !== undefined) {
    if (!v3) {
      throw invalidInput(
        ctx,
        'images',
        'Marengo 2.7 embeds one image per request; `images` needs Marengo 3.0.',
      );
    }
    if (image !== undefined) throw invalidInput(ctx, 'image', 'pass either `image` or `images`, not both.');
    if (images.length === 0) throw invalidInput(ctx, 'images', '`images` is empty.');
    return 'multi_input';
  }
  if (image !== undefined && text !== undefined) {
    if (!v3) {
      throw invalidInput(
        ctx,
        'text',
        'Marengo 2.7 embeds text or an image, not both; Marengo 3.0 embeds text with an image.',
      );
    }
    return 'text_image';
  }
  if (image !== undefined) return 'image';
  if (text !== undefined) return 'text';
  throw invalidInput(ctx, 'input', 'the input is empty: give text, an image, a video or audio.');
}

/**
 * Rejects text that certainly exceeds the model's token limit. Tokens cannot be counted here, but
 * every word is at least one token, so more words than tokens is always too long.
 */
function checkText(text: string, params: ResolvedParams, ctx: FamilyContext): void {
  if (text.trim() === '') throw invalidInput(ctx, 'text', 'text is empty.');
  // 2.7 truncates over-long text itself unless told not to (`textTruncate: none`); 3.0 cannot be told.
  if (!is30(ctx) && params.truncate !== 'none') return;
  const limit = MAX_TEXT_TOKENS[ctx.model.id as keyof typeof MAX_TEXT_TOKENS];
  const words = text.trim().split(/\s+/).length;
  if (words > limit) {
    throw invalidInput(
      ctx,
      'text',
      `text has ${words} words; the model takes at most ${limit} tokens${is30(ctx) ? '' : " (or pass truncate: 'end')"}.`,
    );
  }
  // One long "word" is many tokens: above 6 characters a token on average (the documented
  // English average is ~4.7) the text is certainly too long.
  if (text.length > limit * MAX_CHARS_PER_TOKEN) {
    throw invalidInput(
      ctx,
      'text',
      `text is ${text.length.toLocaleString('en-US')} characters; the model takes at most ${limit} tokens (about ${(limit * MAX_CHARS_PER_TOKEN).toLocaleString('en-US')} characters at most)${is30(ctx) ? '' : " (or pass truncate: 'end')"}.`,
    );
  }
}

function checkMedia(media: Media, parameter: string, ctx: FamilyContext): void {
  if (media.source.type === 's3') {
    // `bucketOwner` is optional for 2.7 and 3.0 alike: AWS's S3Location type marks it "Required: No"
    // (needed only when another account owns the bucket) and the Marengo pages do not mark it
    // required. The emulator follows the same rule; see its README's list of assumptions.
    checkBucketOwner(media, `${parameter}.bucketOwner`, ctx);
    return;
  }
  if (media.modality === 'image') checkImageBytes(ctx, parameter, media, IMAGE_FORMATS, 'leave to Bedrock');
  const limit = media.modality === 'image' ? MAX_IMAGE_BYTES : MAX_INLINE_MEDIA_BYTES;
  const bytes = inlineByteLength(media) ?? 0;
  if (bytes > limit) {
    throw invalidInput(
      ctx,
      parameter,
      `inline ${media.modality} is ${bytes.toLocaleString('en-US')} bytes; the limit is ${limit.toLocaleString('en-US')}${media.modality === 'image' ? '' : ' (pass an s3:// URI instead)'}.`,
    );
  }
}

/** `{ base64String }` or `{ s3Location: { uri, bucketOwner? } }`. */
function mediaSource(media: Media): Record<string, unknown> {
  return media.source.type === 'base64' ? { base64String: media.source.data } : s3Location(media)!;
}

/** The body without async options: flat for 2.7, nested under `inputType` for 3.0. */
function baseBody(
  input: NormalizedInput,
  type: InputType,
  params: ResolvedParams,
  ctx: FamilyContext,
): { body: Record<string, unknown>; inner: Record<string, unknown> } {
  const inner: Record<string, unknown> = {};
  // multi_input text is optional: empty text is left out rather than sent empty.
  if (input.text) inner.inputText = input.text;
  if (type === 'multi_input') {
    // Names `img1`, `img2`, ... in input order (as in the documented example), so text can refer to them.
    inner.mediaSources = input.images!.map((media, i) => ({
      name: `img${i + 1}`,
      mediaType: 'image',
      ...mediaSource(media),
    }));
  } else if (type !== 'text') {
    inner.mediaSource = mediaSource((type === 'text_image' ? input.image : input[type])!);
  }
  if (is30(ctx)) return { body: { inputType: type, [type]: inner }, inner };
  if (type === 'text') inner.textTruncate = params.truncate ?? 'end';
  return { body: { inputType: type, ...inner }, inner };
}

/** Marengo 3.0 `segmentation` from the typed option (or AWS's own shape). */
function segmentationOption(
  options: Record<string, unknown>,
  ctx: FamilyContext,
): Record<string, unknown> | undefined {
  const value = options.segmentation;
  if (value === undefined) return undefined;
  const bad = (detail: string) => invalidInput(ctx, 'asyncOptions.segmentation', detail);
  if (!isRecord(value) || (value.method !== 'fixed' && value.method !== 'dynamic')) {
    throw bad(
      "segmentation must be `{ method: 'fixed', durationSec? }` or `{ method: 'dynamic', minDurationSec? }`.",
    );
  }
  const method = value.method;
  const [key, range, fallback] =
    method === 'fixed'
      ? (['durationSec', { min: 1, max: 10 }, 6] as const)
      : (['minDurationSec', { min: 1, max: 5 }, 4] as const);
  const nested = isRecord(value[method]) ? value[method] : {};
  const extra = Object.keys(value).filter((k) => k !== 'method' && k !== key && k !== method);
  if (extra.length > 0) throw bad(`unknown segmentation key(s) ${extra.join(', ')} for method ${method}.`);
  const given = { [key]: value[key] ?? nested[key] };
  const seconds = numberOption(given, key, range, ctx) ?? fallback;
  return { method, [method]: { [key]: seconds } };
}

/** Validates a job's async options and returns the fields they add to the body. */
function asyncFields(
  type: InputType,
  options: Record<string, unknown>,
  ctx: FamilyContext,
): Record<string, unknown> {
  const timed = ['video', 'audio'];
  if (!is30(ctx)) {
    rejectUnknownOptions(options, KEYS_27, ctx);
    onlyFor(options, ['startSec', 'lengthSec', 'useFixedLengthSec'], timed, type, ctx);
    onlyFor(options, ['minClipSec', 'embeddingOption'], ['video'], type, ctx);
    const fields = {
      startSec: numberOption(options, 'startSec', { min: 0 }, ctx),
      lengthSec: numberOption(options, 'lengthSec', { min: 0, exclusiveMin: true }, ctx),
      useFixedLengthSec: numberOption(options, 'useFixedLengthSec', { min: 2, max: 10 }, ctx),
      minClipSec: numberOption(options, 'minClipSec', { min: 1, integer: true }, ctx),
      embeddingOption: listOption(options, 'embeddingOption', OPTIONS_27, ctx),
    };
    return definedOnly(fields);
  }
  const only27 = Object.keys(options).filter(
    (key) => (KEYS_27 as readonly string[]).includes(key) && !(KEYS_30 as readonly string[]).includes(key),
  );
  if (only27.length > 0) {
    throw invalidInput(
      ctx,
      `asyncOptions.${only27[0]}`,
      `Marengo 3.0 does not accept the Marengo 2.7 parameters ${only27.join(', ')}; use endSec and segmentation.`,
    );
  }
  rejectUnknownOptions(options, KEYS_30, ctx);
  onlyFor(options, KEYS_30, timed, type, ctx);
  const startSec = numberOption(options, 'startSec', { min: 0 }, ctx);
  const endSec = numberOption(options, 'endSec', { min: startSec ?? 0, exclusiveMin: true }, ctx);
  return definedOnly({
    startSec,
    endSec,
    embeddingOption: listOption(
      options,
      'embeddingOption',
      type === 'audio' ? AUDIO_OPTIONS_30 : OPTIONS_30,
      ctx,
      type,
    ),
    embeddingScope: listOption(options, 'embeddingScope', SCOPES_30, ctx),
    segmentation: segmentationOption(options, ctx),
  });
}

function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function toModelInput(
  input: NormalizedInput,
  params: ResolvedParams,
  options: Record<string, unknown>,
  ctx: FamilyContext,
): Record<string, unknown> {
  const type = inputTypeOf(input, ctx);
  const fields = asyncFields(type, options, ctx);
  const { body, inner } = baseBody(input, type, params, ctx);
  Object.assign(is30(ctx) ? inner : body, fields);
  return withProviderOptions(body, params.providerOptions);
}

async function readOutput(reader: AsyncOutputReader, ctx: FamilyContext): Promise<AsyncOutput> {
  const key = 'output.json';
  const location = outputLocation(reader, key);
  const [output] = await readRecords(reader, key, ctx);
  if (!isRecord(output) || !Array.isArray(output.data)) {
    throw outputError(reader, ctx, location, 'is malformed: expected an object with a `data` list.');
  }
  const dimension = ctx.model.capabilities.dimensions.default;
  if (output.data.length === 0) {
    throw outputError(reader, ctx, location, 'is malformed: `data` is empty, though the job completed.');
  }
  const segments = output.data.map((item, position): EmbeddingSegment => {
    if (!isRecord(item) || !isVector(item.embedding)) {
      throw outputError(reader, ctx, location, `is malformed: data[${position}] has no embedding.`);
    }
    const problem = vectorProblem(item.embedding, dimension);
    if (problem !== undefined) {
      throw outputError(reader, ctx, location, `is malformed: data[${position}].embedding ${problem}.`);
    }
    const embeddingOption = optionalString(item.embeddingOption);
    return {
      embedding: item.embedding,
      modality: embeddingOption,
      embeddingOption,
      scope: optionalString(item.embeddingScope),
      startSec: optionalNumber(item.startSec),
      endSec: optionalNumber(item.endSec),
      segmentIndex: position,
    };
  });
  return { segments, files: [location] };
}

/** 2.7's flat body: the input fields, and `textTruncate` from `truncate`. */
const BODY_FIELDS_27: Record<string, BodyFieldSource> = {
  inputType: 'inputs',
  inputText: 'inputs',
  mediaSource: 'inputs',
  textTruncate: 'truncate',
};

/** 3.0's body nests the input fields under the key named by `inputType`. */
const BODY_FIELDS_30: Record<string, BodyFieldSource> = {
  inputType: 'inputs',
  'text.inputText': 'inputs',
  'image.mediaSource': 'inputs',
  'text_image.inputText': 'inputs',
  'text_image.mediaSource': 'inputs',
  'multi_input.inputText': 'inputs',
  'multi_input.mediaSources': 'inputs',
  'video.mediaSource': 'inputs',
  'audio.mediaSource': 'inputs',
};

/** What 2.7 and 3.0 share: one input per request; text and images sync, everything async. */
const SHARED_CAPABILITIES = {
  maxInputsPerRequest: 1,
  normalize: false,
  embeddingTypes: [],
  syncModalities: ['text', 'image'],
  asyncModalities: ['video', 'audio', 'image', 'text'],
} satisfies Partial<ModelSpec['capabilities']>;

/** TwelveLabs Marengo Embed 2.7 and 3.0. */
export const marengo: ModelFamily = {
  id: 'marengo',
  models: [
    {
      id: MARENGO_27,
      name: 'TwelveLabs Marengo Embed 2.7',
      capabilities: {
        ...SHARED_CAPABILITIES,
        dimensions: { allowed: [1024], default: 1024 },
        // `textTruncate`: AWS's default `end` is sent explicitly.
        truncate: ['end', 'none'],
        truncateValues: { end: 'end', none: 'none' },
        asyncOptionKeys: KEYS_27,
        // AWS: InvokeModel takes inference profiles only; StartAsyncInvoke base models only.
        syncRequiresProfile: true,
        bodyFields: BODY_FIELDS_27,
      },
      // AWS's model card: "Model lifecycle: Legacy", "Model EOL date: November 30, 2026"; the
      // Marengo 3.0 page: 2.7 embeddings are not compatible with 3.0, regenerate them all.
      lifecycle: {
        status: 'LEGACY',
        endOfLife: '2026-11-30',
        successor: MARENGO_30,
        successorCompatible: false,
        source:
          'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-twelvelabs-marengo-embed-v2-7.html',
      },
      pricing: {
        perImage: 1e-4,
        perVideoSecond: 7e-4,
        perAudioSecond: 1.4e-4,
        source:
          'LiteLLM model_prices_and_context_window.json @00035b69, key us.twelvelabs.marengo-embed-2-7-v1:0 ' +
          '(LiteLLM model_prices_and_context_window.json): input_cost_per_image 0.0001, input_cost_per_video_per_second 0.0007, ' +
          'input_cost_per_audio_per_second 0.00014. Its input_cost_per_token 7e-05 is left out (text cost ' +
          'unknown): at up to 77 tokens it reads as a per-request price, and LiteLLM never applies it (it ' +
          'reports 0 tokens for Marengo).',
      },
    },
    {
      id: MARENGO_30,
      name: 'TwelveLabs Marengo Embed 3.0',
      // No pricing: no published figure in our sources (LiteLLM has no entry), so cost is unknown.
      capabilities: {
        ...SHARED_CAPABILITIES,
        dimensions: { allowed: [512], default: 512 },
        // 3.0 has no truncation parameter (2.7's `textTruncate` is rejected).
        truncate: [],
        bodyFields: BODY_FIELDS_30,
        asyncOptionKeys: KEYS_30,
      },
      // AWS's model card: "Legacy in ap-northeast-2; Active in other Regions", EOL March 22, 2027 there.
      lifecycle: {
        status: 'ACTIVE',
        legacyRegions: { 'ap-northeast-2': { endOfLife: '2027-03-22' } },
        source:
          'https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-twelvelabs-marengo-embed-3-0.html',
      },
    },
  ],

  validateInput(input, params, ctx) {
    const type = inputTypeOf(input, ctx);
    if (ctx.mode === 'sync' && (type === 'video' || type === 'audio')) {
      // LiteLLM's wording, so code written against LiteLLM's errors keeps working.
      throw invalidInput(
        ctx,
        type,
        `Input type '${type}' requires async_invoke route. Use model format: 'bedrock/async_invoke/model_id' (or call startAsyncEmbed).`,
      );
    }
    if (ctx.mode === 'async' && type === 'text_image') {
      throw invalidInput(
        ctx,
        'image',
        'Marengo 3.0 async invoke takes text with images as `images` (multi_input), not text_image.',
      );
    }
    if (input.text !== undefined && (type !== 'multi_input' || input.text !== ''))
      checkText(input.text, params, ctx);
    if (input.image) checkMedia(input.image, 'image', ctx);
    input.images?.forEach((media, i) => {
      checkMedia(media, `images[${i}]`, ctx);
    });
    if (input.video) checkMedia(input.video, 'video', ctx);
    if (input.audio) checkMedia(input.audio, 'audio', ctx);
  },

  toRequestBody(batch, params, ctx) {
    const input = single(batch, ctx);
    return withProviderOptions(
      baseBody(input, inputTypeOf(input, ctx), params, ctx).body,
      params.providerOptions,
    );
  },

  fromResponseBody(body, batchSize, _params, ctx): ParsedResponse {
    return { embeddings: itemVectors(body, 'data', batchSize, ctx) };
  },

  async: {
    toModelInput,
    // StartAsyncInvoke takes base models only: a profile id (`us.…`) is sent as its base id. A
    // foundation-model ARN is a base model already (and names the region).
    asyncModelId: (ctx) => (ctx.modelId.includes(':foundation-model/') ? ctx.modelId : ctx.model.id),
    readOutput,
  },
};
