/**
 * Amazon Nova 2 Multimodal Embeddings (`amazon.nova-2-multimodal-embeddings-v1:0`): one text,
 * image, audio or video per request. Sync is `SINGLE_EMBEDDING`; async is `SEGMENTED_EMBEDDING`,
 * which splits long text, audio and video into segments with one vector each.
 * Wire format: AWS's Nova Multimodal Embeddings schema, https://docs.aws.amazon.com/nova/latest/userguide/embeddings-schema.html;
 * async output files: §5.5.
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
  NormalizedInput,
  ParsedResponse,
  Purpose,
  ResolvedParams,
  Truncate,
} from '../types.js';
import {
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
  imageFormat,
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

const MODEL_ID = 'amazon.nova-2-multimodal-embeddings-v1:0';
const SCHEMA_VERSION = 'nova-multimodal-embed-v1';

/**
 * Our purposes -> `embeddingPurpose`. `query` is `GENERIC_RETRIEVAL`: a query does not know which
 * modality the indexed documents have; callers who do can use the finer `*-retrieval` purposes.
 */
const PURPOSES: Record<Purpose, string> = {
  document: 'GENERIC_INDEX',
  query: 'GENERIC_RETRIEVAL',
  'text-retrieval': 'TEXT_RETRIEVAL',
  'image-retrieval': 'IMAGE_RETRIEVAL',
  'video-retrieval': 'VIDEO_RETRIEVAL',
  'document-retrieval': 'DOCUMENT_RETRIEVAL',
  'audio-retrieval': 'AUDIO_RETRIEVAL',
  classification: 'CLASSIFICATION',
  clustering: 'CLUSTERING',
};

/** Indexing is the common case (ingestion); queries must ask for `query` (as with Cohere). */
const DEFAULT_PURPOSE: Purpose = 'document';
/** Keep the start of over-long text, as most embedding APIs do; `none` makes Bedrock reject it. */
const DEFAULT_TRUNCATE: Truncate = 'end';
const TRUNCATION_MODES: Record<Truncate, string> = { none: 'NONE', start: 'START', end: 'END' };

/** Formats per modality, as AWS spells them, with the aliases file extensions and MIME types give. */
const FORMATS = {
  image: ['png', 'jpeg', 'gif', 'webp'],
  audio: ['mp3', 'wav', 'ogg'],
  video: ['mp4', 'mov', 'mkv', 'webm', 'flv', 'mpeg', 'mpg', 'wmv', '3gp'],
} as const;
const FORMAT_ALIASES: Record<string, string> = {
  jpg: 'jpeg',
  mpga: 'mp3',
  'x-wav': 'wav',
  wave: 'wav',
  vorbis: 'ogg',
  quicktime: 'mov',
  'x-matroska': 'mkv',
  'x-flv': 'flv',
  'x-ms-wmv': 'wmv',
  '3gpp': '3gp',
};

/**
 * Inline media: the base64 of 18 MB is 24 MB, what fits InvokeModel's 25,000,000-byte body
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/quotas.html). Larger media must come from S3.
 */
const MAX_INLINE_BYTES = 18_000_000;
/**
 * Sync text: AWS documents 8K tokens, which cannot be counted here; 50,000 characters is the limit
 * stdapi.ai applies (UNCONFIRMED, §4.6). Longer text belongs to async segmented embedding.
 */
const MAX_SYNC_TEXT_CHARS = 50_000;

const DETAIL_LEVELS = ['STANDARD_IMAGE', 'DOCUMENT_IMAGE'] as const;
const EMBEDDING_MODES = ['AUDIO_VIDEO_COMBINED', 'AUDIO_VIDEO_SEPARATE'] as const;

/** Segment length defaults (stdapi.ai's reading of AWS's defaults, §4.6), always sent explicitly. */
const DEFAULT_SEGMENT_SECONDS = 5;
const DEFAULT_SEGMENT_CHARS = 32_000;

/**
 * Async options for Nova (`startAsyncEmbed({ asyncOptions })`), mapped into
 * `segmentedEmbeddingParams.<modality>`.
 */
export interface NovaAsyncOptions {
  /** Audio and video: segment length in seconds, 1-30 (default 5): `segmentationConfig.durationSeconds`. */
  durationSeconds?: number;
  /** Text: segment length in characters, 800-50,000 (default 32,000): `segmentationConfig.maxLengthChars`. */
  maxLengthChars?: number;
  /**
   * Video: one vector per segment for sound and picture together (`AUDIO_VIDEO_COMBINED`, the
   * default), or separate `VIDEO` and `AUDIO` vectors (`AUDIO_VIDEO_SEPARATE`).
   */
  embeddingMode?: (typeof EMBEDDING_MODES)[number];
}

/** Nova-only keys read from `providerOptions` (the rest is merged into the body verbatim). */
export interface NovaProviderOptions {
  /** Image: `STANDARD_IMAGE` (photos) or `DOCUMENT_IMAGE` (pages, charts, screenshots). */
  detailLevel?: (typeof DETAIL_LEVELS)[number];
}

/** The keys of `NovaAsyncOptions`: what `toModelInput` accepts. */
const ASYNC_OPTION_KEYS = ['durationSeconds', 'maxLengthChars', 'embeddingMode'] as const;

type NovaModality = 'text' | 'image' | 'audio' | 'video';

/**
 * The body fields `providerOptions` may not overwrite, sync and async: the input's text, media and
 * format, the task (sync is one vector per input; sync video is always `AUDIO_VIDEO_COMBINED`,
 * as `AUDIO_VIDEO_SEPARATE` gives two), and the fields of the common parameters.
 */
function bodyFields(): Record<string, BodyFieldSource> {
  const fields: Record<string, BodyFieldSource> = {
    taskType: 'inputs',
    'singleEmbeddingParams.video.embeddingMode': 'inputs',
  };
  for (const params of ['singleEmbeddingParams', 'segmentedEmbeddingParams']) {
    fields[`${params}.embeddingPurpose`] = 'purpose';
    fields[`${params}.embeddingDimension`] = 'dimensions';
    fields[`${params}.text.value`] = 'inputs';
    fields[`${params}.text.truncationMode`] = 'truncate';
    for (const media of ['image', 'audio', 'video']) {
      fields[`${params}.${media}.source`] = 'inputs';
      fields[`${params}.${media}.format`] = 'inputs';
    }
  }
  return fields;
}

/** The one modality of an input; Nova embeds exactly one per request. */
function modalityOf(input: NormalizedInput, ctx: FamilyContext): NovaModality {
  if (input.images !== undefined) {
    throw invalidInput(ctx, 'images', 'Nova embeds one image per request; pass `image`, not `images`.');
  }
  const present = (['text', 'image', 'audio', 'video'] as const).filter((m) => input[m] !== undefined);
  const [modality] = present;
  if (modality === undefined || present.length !== 1) {
    throw invalidInput(
      ctx,
      'input',
      `Nova embeds exactly one modality per request (text, image, audio or video); got ${present.join(' + ') || 'none'}. Embed them separately.`,
    );
  }
  return modality;
}

/** AWS's spelling of a media format, or undefined when it cannot be told. */
function formatOf(media: Media): string | undefined {
  if (media.modality === 'image') return imageFormat(media);
  const raw = (media.format ?? media.mediaType?.split('/')[1])?.toLowerCase();
  if (raw === undefined) return undefined;
  if (media.modality === 'audio' && raw === 'mpeg') return 'mp3';
  return FORMAT_ALIASES[raw] ?? raw;
}

function checkMedia(media: Media, ctx: FamilyContext): void {
  const modality = media.modality;
  const allowed: readonly string[] = FORMATS[modality];
  const format = formatOf(media);
  if (format === undefined) {
    throw invalidInput(
      ctx,
      `${modality}.format`,
      `Nova needs the ${modality} format (${allowed.join(', ')}); it could not be detected, so state it as \`{ ${modality}: { value, format } }\`.`,
    );
  }
  if (!allowed.includes(format)) {
    throw invalidInput(
      ctx,
      `${modality}.format`,
      `${modality} format \`${format}\` is not supported; use one of: ${allowed.join(', ')}.`,
    );
  }
  if (modality === 'image') checkImageBytes(ctx, 'image', media, FORMATS.image);
  checkBucketOwner(media, `${modality}.bucketOwner`, ctx);
  const bytes = inlineByteLength(media);
  if (bytes !== undefined && bytes > MAX_INLINE_BYTES) {
    throw invalidInput(
      ctx,
      modality,
      `inline ${modality} is ${bytes.toLocaleString('en-US')} bytes; the limit is ${MAX_INLINE_BYTES.toLocaleString('en-US')} (InvokeModel's 25 MB body). Pass an s3:// URI instead.`,
    );
  }
}

/** `providerOptions` without Nova's own keys, and the validated `detailLevel`. */
function splitProviderOptions(params: ResolvedParams, ctx: FamilyContext) {
  const { detailLevel, ...rest } = params.providerOptions ?? {};
  if (detailLevel !== undefined && !(DETAIL_LEVELS as readonly unknown[]).includes(detailLevel)) {
    throw invalidInput(
      ctx,
      'providerOptions.detailLevel',
      `detailLevel must be one of ${DETAIL_LEVELS.join(', ')}, got \`${String(detailLevel)}\`.`,
    );
  }
  return { detailLevel: detailLevel as NovaProviderOptions['detailLevel'], rest };
}

/** The modality object shared by sync and async bodies (async adds `segmentationConfig`). */
function modalityObject(
  input: NormalizedInput,
  modality: NovaModality,
  params: ResolvedParams,
  detailLevel: string | undefined,
  embeddingMode: string,
): Record<string, unknown> {
  if (modality === 'text') {
    return { truncationMode: TRUNCATION_MODES[params.truncate ?? DEFAULT_TRUNCATE], value: input.text };
  }
  const media = input[modality]!;
  const source = media.source.type === 'base64' ? { bytes: media.source.data } : s3Location(media);
  const object: Record<string, unknown> = { format: formatOf(media), source };
  if (modality === 'image' && detailLevel !== undefined) object.detailLevel = detailLevel;
  if (modality === 'video') object.embeddingMode = embeddingMode;
  return object;
}

/** The common fields of `singleEmbeddingParams` / `segmentedEmbeddingParams`. */
function embeddingParams(params: ResolvedParams): Record<string, unknown> {
  return {
    embeddingPurpose: PURPOSES[params.purpose ?? DEFAULT_PURPOSE],
    embeddingDimension: params.dimensions,
  };
}

function toModelInput(
  input: NormalizedInput,
  params: ResolvedParams,
  options: Record<string, unknown>,
  ctx: FamilyContext,
): Record<string, unknown> {
  rejectUnknownOptions(options, ASYNC_OPTION_KEYS, ctx);
  const modality = modalityOf(input, ctx);
  onlyFor(options, ['durationSeconds'], ['audio', 'video'], modality, ctx);
  onlyFor(options, ['maxLengthChars'], ['text'], modality, ctx);
  onlyFor(options, ['embeddingMode'], ['video'], modality, ctx);
  const durationSeconds = numberOption(options, 'durationSeconds', { min: 1, max: 30, integer: true }, ctx);
  const maxLengthChars = numberOption(
    options,
    'maxLengthChars',
    { min: 800, max: 50_000, integer: true },
    ctx,
  );
  const embeddingMode = options.embeddingMode ?? 'AUDIO_VIDEO_COMBINED';
  if (!(EMBEDDING_MODES as readonly unknown[]).includes(embeddingMode)) {
    throw invalidInput(
      ctx,
      'asyncOptions.embeddingMode',
      `embeddingMode must be one of ${EMBEDDING_MODES.join(', ')}, got \`${String(embeddingMode)}\`.`,
    );
  }
  const { detailLevel, rest } = splitProviderOptions(params, ctx);
  const object = modalityObject(input, modality, params, detailLevel, embeddingMode as string);
  if (modality === 'text') {
    object.segmentationConfig = { maxLengthChars: maxLengthChars ?? DEFAULT_SEGMENT_CHARS };
  } else if (modality !== 'image') {
    object.segmentationConfig = { durationSeconds: durationSeconds ?? DEFAULT_SEGMENT_SECONDS };
  }
  const body = {
    schemaVersion: SCHEMA_VERSION,
    taskType: 'SEGMENTED_EMBEDDING',
    segmentedEmbeddingParams: { ...embeddingParams(params), [modality]: object },
  };
  return withProviderOptions(body, rest);
}

/** One line of an `embedding-*.jsonl` file as an `EmbeddingSegment`. */
function toSegment(
  line: unknown,
  position: number,
  modality: string | undefined,
): EmbeddingSegment | undefined {
  if (!isRecord(line)) return undefined;
  const meta = isRecord(line.segmentMetadata) ? line.segmentMetadata : {};
  const status = optionalString(line.status);
  const failed = status !== undefined && status !== 'SUCCESS';
  // A failed segment has no vector: it is kept (with its reason), never silently dropped.
  if (!isVector(line.embedding) && !failed) return undefined;
  return {
    embedding: isVector(line.embedding) ? line.embedding : [],
    modality,
    startSec: optionalNumber(meta.segmentStartSeconds),
    endSec: optionalNumber(meta.segmentEndSeconds),
    startChar: optionalNumber(meta.segmentStartCharPosition),
    endChar: optionalNumber(meta.segmentEndCharPosition),
    segmentIndex: optionalNumber(meta.segmentIndex) ?? position,
    status,
    failureReason: optionalString(line.failureReason) ?? optionalString(line.message),
  };
}

async function readOutput(reader: AsyncOutputReader, ctx: FamilyContext): Promise<AsyncOutput> {
  const resultKey = 'segmented-embedding-result.json';
  const resultUri = outputLocation(reader, resultKey);
  const malformed = (location: string, detail: string) =>
    outputError(reader, ctx, location, `is malformed: ${detail}`);
  const [result] = await readRecords(reader, resultKey, ctx);
  if (!isRecord(result) || !Array.isArray(result.embeddingResults)) {
    throw malformed(resultUri, 'expected an object with an `embeddingResults` list.');
  }
  // Every vector has the declared dimension (else one the model has, the same for all).
  const allowed = ctx.model.capabilities.dimensions.allowed;
  const declared = optionalNumber(result.embeddingDimension);
  if (declared !== undefined && !allowed.includes(declared)) {
    throw malformed(resultUri, `embeddingDimension ${declared} is not one of ${allowed.join(', ')}.`);
  }
  let dimension = declared;
  const segments: EmbeddingSegment[] = [];
  const files = [resultUri];
  for (const entry of result.embeddingResults) {
    if (!isRecord(entry)) throw malformed(resultUri, 'an `embeddingResults` entry is not an object.');
    const modality = optionalString(entry.embeddingType);
    const status = optionalString(entry.status);
    const reason = optionalString(entry.failureReason) ?? optionalString(entry.message);
    const fileUri = optionalString(entry.outputFileUri);
    if (fileUri === undefined) {
      if (status === 'FAILED') {
        // Nothing was written for this modality: report the failure as a segment without a vector.
        segments.push({ embedding: [], modality, segmentIndex: 0, status, failureReason: reason });
        continue;
      }
      throw malformed(resultUri, `the ${modality ?? 'unnamed'} result has no \`outputFileUri\`.`);
    }
    const lines = await readRecords(reader, fileUri, ctx);
    files.push(fileUri);
    if (lines.length === 0 && status !== 'FAILED') {
      throw malformed(
        fileUri,
        `it holds no segment, though the ${modality ?? 'unnamed'} result is ${status ?? 'not marked failed'}.`,
      );
    }
    // AWS's samples show no count field; one written next to the file (`segmentCount`) is held to.
    const declaredCount = optionalNumber(entry.segmentCount);
    if (declaredCount !== undefined && declaredCount !== lines.length) {
      throw malformed(
        fileUri,
        `it holds ${lines.length} segments; the result file declares ${declaredCount}.`,
      );
    }
    const seen = new Set<number>();
    lines.forEach((line, position) => {
      const segment = toSegment(line, position, modality);
      if (segment === undefined) throw malformed(fileUri, `line ${position + 1} has no embedding.`);
      const index = segment.segmentIndex;
      if (!Number.isInteger(index) || index < 0 || index >= lines.length || seen.has(index)) {
        throw malformed(
          fileUri,
          `line ${position + 1} has segmentIndex ${index}: ${seen.has(index) ? 'a duplicate' : `outside 0-${lines.length - 1}`}, so a segment is missing or repeated.`,
        );
      }
      seen.add(index);
      if (segment.embedding.length > 0 || segment.status === undefined || segment.status === 'SUCCESS') {
        dimension ??= allowed.includes(segment.embedding.length) ? segment.embedding.length : allowed[0];
        const problem = vectorProblem(segment.embedding, dimension!);
        if (problem !== undefined)
          throw malformed(fileUri, `line ${position + 1}: the embedding ${problem}.`);
      }
      segments.push(segment);
    });
  }
  return { segments, files };
}

/** Amazon Nova 2 Multimodal Embeddings: text, image, audio, video; sync single and async segmented. */
export const nova: ModelFamily = {
  id: 'nova',
  models: [
    {
      id: MODEL_ID,
      name: 'Amazon Nova 2 Multimodal Embeddings',
      capabilities: {
        syncModalities: ['text', 'image', 'audio', 'video'],
        asyncModalities: ['text', 'image', 'audio', 'video'],
        // AWS's default is not documented; 3072 (the full vector, used in AWS's examples and by
        // LiteLLM) is always sent so results never depend on it.
        dimensions: { allowed: [3072, 1024, 384, 256], default: 3072 },
        maxInputsPerRequest: 1,
        purposes: Object.keys(PURPOSES) as Purpose[],
        defaultPurpose: DEFAULT_PURPOSE,
        embeddingTypes: [],
        truncate: ['none', 'start', 'end'],
        truncateValues: TRUNCATION_MODES,
        asyncOptionKeys: ASYNC_OPTION_KEYS,
        normalize: false,
        bodyFields: bodyFields(),
      },
      // Not among the Legacy or EOL versions of AWS's lifecycle page.
      lifecycle: {
        status: 'ACTIVE',
        source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html',
      },
      pricing: {
        perInputToken: 1.35e-7,
        perImage: 6e-5,
        perVideoSecond: 7e-4,
        perAudioSecond: 1.4e-4,
        source:
          'LiteLLM model_prices_and_context_window.json @00035b69, key amazon.nova-2-multimodal-embeddings-v1:0 ' +
          '(LiteLLM model_prices_and_context_window.json): input_cost_per_token 1.35e-07, input_cost_per_image 6e-05, ' +
          'input_cost_per_video_per_second 0.0007, input_cost_per_audio_per_second 0.00014',
      },
    },
  ],

  validateInput(input, params, ctx) {
    const modality = modalityOf(input, ctx);
    const { detailLevel } = splitProviderOptions(params, ctx);
    if (detailLevel !== undefined && modality !== 'image') {
      throw invalidInput(
        ctx,
        'providerOptions.detailLevel',
        `detailLevel applies to image input only, not ${modality}.`,
      );
    }
    if (modality === 'text') {
      const text = input.text ?? '';
      if (text.trim() === '') throw invalidInput(ctx, 'text', 'text is empty.');
      if (ctx.mode === 'sync' && text.length > MAX_SYNC_TEXT_CHARS) {
        throw invalidInput(
          ctx,
          'text',
          `text is ${text.length.toLocaleString('en-US')} characters; the sync limit is ${MAX_SYNC_TEXT_CHARS.toLocaleString('en-US')} (8K tokens). Use startAsyncEmbed to embed longer text in segments.`,
        );
      }
      return;
    }
    // Sync audio and video must be at most 30 s; the duration cannot be known without decoding
    // the media, so Bedrock judges it (a ValidationError answer).
    checkMedia(input[modality]!, ctx);
  },

  toRequestBody(batch, params, ctx) {
    const input = single(batch, ctx);
    const modality = modalityOf(input, ctx);
    const { detailLevel, rest } = splitProviderOptions(params, ctx);
    // Sync video is always combined: `AUDIO_VIDEO_SEPARATE` would give two vectors for one input
    // (use async invoke for that).
    const object = modalityObject(input, modality, params, detailLevel, 'AUDIO_VIDEO_COMBINED');
    const body = {
      schemaVersion: SCHEMA_VERSION,
      taskType: 'SINGLE_EMBEDDING',
      singleEmbeddingParams: { ...embeddingParams(params), [modality]: object },
    };
    return withProviderOptions(body, rest);
  },

  fromResponseBody(body, batchSize, _params, ctx): ParsedResponse {
    const embeddings = itemVectors(body, 'embeddings', batchSize, ctx);
    // `itemVectors` has checked that the body is an object.
    return {
      embeddings,
      inputTokens: optionalNumber((body as { inputTokenCount?: unknown }).inputTokenCount),
    };
  },

  async: { toModelInput, readOutput },
};
