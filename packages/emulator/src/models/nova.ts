/**
 * Amazon Nova Multimodal Embeddings (`amazon.nova-2-multimodal-embeddings-v1:0`): `SINGLE_EMBEDDING`
 * through InvokeModel (one text, image, audio or video), `SEGMENTED_EMBEDDING` through StartAsyncInvoke,
 * which writes `segmented-embedding-result.json`, one `embedding-<type>.jsonl` per embedding type and
 * `manifest.json`.
 */
import {
  countTokens,
  hashString,
  mediaKey,
  mediaVector,
  type PurposeClass,
  segmentVector,
  textVector,
  truncateTokens,
} from '../vectors.js';
import {
  decodeBase64,
  type ImageFormat,
  imageInfo,
  imageTokens,
  requireImage,
  requireMedia,
  s3Location,
} from './media.js';
import { fixedSegments, mediaDuration } from './segments.js';
import type { AsyncContext, EmulatedModel, InvokeResult, OutputFile } from './types.js';
import { at, fail, integerOneOf, type Json, number, object, oneOf, string } from './validation.js';

const ID = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MAX_TOKENS = 8192;

const PURPOSES: Record<string, PurposeClass> = {
  GENERIC_INDEX: 'document',
  GENERIC_RETRIEVAL: 'query',
  TEXT_RETRIEVAL: 'query',
  IMAGE_RETRIEVAL: 'query',
  VIDEO_RETRIEVAL: 'query',
  DOCUMENT_RETRIEVAL: 'query',
  AUDIO_RETRIEVAL: 'query',
  CLASSIFICATION: 'classification',
  CLUSTERING: 'clustering',
};
const MODALITIES = ['text', 'image', 'audio', 'video'] as const;
type Modality = (typeof MODALITIES)[number];
const FORMATS: Record<Exclude<Modality, 'text'>, readonly string[]> = {
  image: ['png', 'jpeg', 'gif', 'webp'],
  audio: ['mp3', 'wav', 'ogg'],
  video: ['mp4', 'mov', 'mkv', 'webm', 'flv', 'mpeg', 'mpg', 'wmv', '3gp'],
};

/** A SourceObject: inline base64 bytes or an S3 location. */
type Source = { bytes: Uint8Array; s3Uri?: undefined } | { s3Uri: string; bytes?: undefined };

function source(value: unknown, path: string): Source {
  const src = object(value, path, ['bytes', 's3Location']);
  if ((src.bytes === undefined) === (src.s3Location === undefined)) {
    fail(path, 'exactly one of [bytes, s3Location] is required');
  }
  if (src.bytes !== undefined) {
    return { bytes: decodeBase64(string(src.bytes, at(path, 'bytes'), { minLength: 1 }), at(path, 'bytes')) };
  }
  return { s3Uri: s3Location(src.s3Location, at(path, 's3Location')) };
}

const keyOf = (src: Source): string => mediaKey(src.bytes ?? src.s3Uri);

/** The validated parameters of a request, sync or segmented. */
interface Params {
  purpose: PurposeClass;
  dims: number;
  modality: Modality;
  input: Json;
  path: string;
}

function params(value: unknown, path: string, segmented: boolean): Params {
  const p = object(
    value,
    path,
    ['embeddingPurpose', 'embeddingDimension', ...MODALITIES],
    ['embeddingPurpose'],
  );
  const purpose =
    PURPOSES[oneOf(p.embeddingPurpose, at(path, 'embeddingPurpose'), Object.keys(PURPOSES))] ?? 'none';
  const dims =
    p.embeddingDimension === undefined
      ? 3072
      : integerOneOf(p.embeddingDimension, at(path, 'embeddingDimension'), [256, 384, 1024, 3072]);
  const given = MODALITIES.filter((m) => p[m] !== undefined);
  if (given.length !== 1) {
    fail(
      path,
      `exactly one of [text, image, audio, video] is required, found ${given.length ? `[${given.join(', ')}]` : 'none'}`,
    );
  }
  const modality = given[0] as Modality;
  const mPath = at(path, modality);
  const segmentation = segmented && modality !== 'image' ? ['segmentationConfig'] : [];
  const keys: Record<Modality, string[]> = {
    text: ['truncationMode', 'value', 'source', ...segmentation],
    image: ['detailLevel', 'format', 'source'],
    audio: ['format', 'source', ...segmentation],
    video: ['format', 'source', 'embeddingMode', ...segmentation],
  };
  const required: Record<Modality, string[]> = {
    text: ['truncationMode'],
    image: ['format', 'source'],
    audio: ['format', 'source'],
    video: ['format', 'source', 'embeddingMode'],
  };
  const input = object(p[modality], mPath, keys[modality], required[modality]);
  if (modality === 'text') {
    oneOf(input.truncationMode, at(mPath, 'truncationMode'), ['START', 'END', 'NONE']);
    if ((input.value === undefined) === (input.source === undefined))
      fail(mPath, 'exactly one of [value, source] is required');
  } else {
    oneOf(input.format, at(mPath, 'format'), FORMATS[modality]);
  }
  if (modality === 'image' && input.detailLevel !== undefined) {
    oneOf(input.detailLevel, at(mPath, 'detailLevel'), ['STANDARD_IMAGE', 'DOCUMENT_IMAGE']);
  }
  if (modality === 'video') {
    oneOf(input.embeddingMode, at(mPath, 'embeddingMode'), ['AUDIO_VIDEO_COMBINED', 'AUDIO_VIDEO_SEPARATE']);
  }
  return { purpose, dims, modality, input, path: mPath };
}

/** A text input after truncation: its text (undefined when it lives in S3) and what it cost. */
interface TextInput {
  text?: string;
  s3Uri?: string;
  tokens: number;
  truncatedCharLength?: number;
}

function textInput(p: Params, limitTokens: boolean): TextInput {
  let text: string;
  if (p.input.value !== undefined) {
    text = string(p.input.value, at(p.path, 'value'), { minLength: 1 });
  } else {
    const src = source(p.input.source, at(p.path, 'source'));
    if (src.s3Uri !== undefined) return { s3Uri: src.s3Uri, tokens: 0 };
    text = new TextDecoder().decode(src.bytes);
  }
  const tokens = countTokens(text);
  if (!limitTokens || tokens <= MAX_TOKENS) return { text, tokens };
  const mode = p.input.truncationMode as string;
  if (mode === 'NONE') {
    fail(
      at(p.path, 'value'),
      `text has ${tokens} tokens, more than the maximum of ${MAX_TOKENS} (truncationMode is NONE)`,
    );
  }
  const kept = truncateTokens(text, MAX_TOKENS, mode === 'START' ? 'start' : 'end');
  return { text: kept, tokens: MAX_TOKENS, truncatedCharLength: kept.length };
}

/** Media sources, with inline bytes checked against the declared format. */
function mediaSource(p: Params): Source {
  const src = source(p.input.source, at(p.path, 'source'));
  if ((p.modality === 'video' || p.modality === 'audio') && src.bytes) {
    requireMedia(src.bytes, at(at(p.path, 'source'), 'bytes'), p.modality, p.input.format as string);
  }
  if (p.modality === 'image' && src.bytes) {
    requireImage(
      src.bytes,
      at(at(p.path, 'source'), 'bytes'),
      FORMATS.image as ImageFormat[],
      p.input.format as string,
    );
  }
  return src;
}

/** The embedding types a video answers with. */
function videoTypes(p: Params): string[] {
  return p.input.embeddingMode === 'AUDIO_VIDEO_SEPARATE' ? ['VIDEO', 'AUDIO'] : ['AUDIO_VIDEO_COMBINED'];
}

/** Checks the task type first, so a body sent to the wrong operation hears which operation to use. */
function checkTask(body: unknown, expected: string): void {
  const all = ['schemaVersion', 'taskType', 'singleEmbeddingParams', 'segmentedEmbeddingParams'];
  const req = object(body, '#', all, ['taskType']);
  const task = oneOf(req.taskType, '#/taskType', ['SINGLE_EMBEDDING', 'SEGMENTED_EMBEDDING']);
  if (task !== expected) {
    fail(
      '#/taskType',
      task === 'SEGMENTED_EMBEDDING'
        ? 'SEGMENTED_EMBEDDING is only supported by StartAsyncInvoke; use SINGLE_EMBEDDING with InvokeModel'
        : 'SINGLE_EMBEDDING is only supported by InvokeModel; use SEGMENTED_EMBEDDING with StartAsyncInvoke',
    );
  }
  if (req.schemaVersion !== undefined)
    oneOf(req.schemaVersion, '#/schemaVersion', ['nova-multimodal-embed-v1']);
}

function invoke(body: unknown): InvokeResult {
  checkTask(body, 'SINGLE_EMBEDDING');
  const req = object(body, '#', ['schemaVersion', 'taskType', 'singleEmbeddingParams'], ['taskType']);
  if (req.singleEmbeddingParams === undefined) fail('#', 'required key [singleEmbeddingParams] not found');
  const p = params(req.singleEmbeddingParams, '#/singleEmbeddingParams', false);
  if (p.modality === 'text') {
    const t = textInput(p, true);
    const embedding =
      t.text !== undefined
        ? textVector(ID, t.text, p.dims, { purpose: p.purpose })
        : mediaVector(ID, mediaKey(t.s3Uri as string), p.dims, 'TEXT', p.purpose);
    const entry: Json = { embeddingType: 'TEXT', embedding };
    if (t.truncatedCharLength !== undefined) entry.truncatedCharLength = t.truncatedCharLength;
    return { body: { embeddings: [entry] }, inputTokenCount: t.tokens, items: 1, tokens: t.tokens };
  }
  const src = mediaSource(p);
  const types = p.modality === 'video' ? videoTypes(p) : [p.modality.toUpperCase()];
  const embeddings = types.map((type) => ({
    embeddingType: type,
    embedding: mediaVector(ID, keyOf(src), p.dims, type, p.purpose),
  }));
  const tokens = p.modality === 'image' ? imageTokens(src.bytes && imageInfo(src.bytes)) : 1000;
  return { body: { embeddings }, inputTokenCount: tokens, items: 1, tokens };
}

/** File name of each embedding type's results, as in AWS's documented output layout. */
const FILES: Record<string, string> = {
  TEXT: 'embedding-text.jsonl',
  IMAGE: 'embedding-image.json',
  AUDIO: 'embedding-audio.jsonl',
  VIDEO: 'embedding-video.jsonl',
  AUDIO_VIDEO_COMBINED: 'embedding-audio-video.jsonl',
};

/**
 * Splits a text into chunks of at most `max` characters, ending each chunk after the last whitespace
 * inside it when there is one. Returns [start, end) character positions.
 */
export function textChunks(length: number, max: number, text?: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let start = 0; start < length; ) {
    let end = Math.min(start + max, length);
    if (end < length && text !== undefined) {
      const space = text.slice(start, end).search(/\s\S*$/);
      if (space > 0) end = start + space + 1;
    }
    out.push([start, end]);
    start = end;
  }
  return out;
}

function startAsync(modelInput: unknown, ctx: AsyncContext): OutputFile[] {
  checkTask(modelInput, 'SEGMENTED_EMBEDDING');
  const req = object(
    modelInput,
    '#',
    ['schemaVersion', 'taskType', 'segmentedEmbeddingParams'],
    ['taskType'],
  );
  if (req.segmentedEmbeddingParams === undefined)
    fail('#', 'required key [segmentedEmbeddingParams] not found');
  const p = params(req.segmentedEmbeddingParams, '#/segmentedEmbeddingParams', true);
  const config =
    p.input.segmentationConfig === undefined
      ? {}
      : object(
          p.input.segmentationConfig,
          at(p.path, 'segmentationConfig'),
          p.modality === 'text' ? ['maxLengthChars'] : ['durationSeconds'],
        );
  const configPath = at(p.path, 'segmentationConfig');
  const results: Record<string, Json[]> = {};
  let sourceFileUri: string | undefined;

  if (p.modality === 'text') {
    const max =
      config.maxLengthChars === undefined
        ? 32_000
        : number(config.maxLengthChars, at(configPath, 'maxLengthChars'), {
            min: 800,
            max: 50_000,
            integer: true,
          });
    const t = textInput(p, false);
    sourceFileUri = t.s3Uri;
    // A text in S3 is not read: it is taken to be 2,000 to 20,000 characters long (from a hash of its URI).
    const length = t.text?.length ?? 2000 + (hashString(`length:${t.s3Uri}`) % 18_001);
    results.TEXT = textChunks(length, max, t.text).map(([start, end], segmentIndex) => ({
      embedding:
        t.text !== undefined
          ? textVector(ID, t.text.slice(start, end), p.dims, { purpose: p.purpose })
          : mediaVector(ID, mediaKey(t.s3Uri as string), p.dims, `TEXT:${segmentIndex}`, p.purpose),
      segmentMetadata: { segmentIndex, segmentStartCharPosition: start, segmentEndCharPosition: end },
      status: 'SUCCESS',
    }));
  } else {
    const src = mediaSource(p);
    sourceFileUri = src.s3Uri;
    const key = keyOf(src);
    if (p.modality === 'image') {
      results.IMAGE = [{ embedding: mediaVector(ID, key, p.dims, 'IMAGE', p.purpose), status: 'SUCCESS' }];
    } else {
      const length =
        config.durationSeconds === undefined
          ? 5
          : number(config.durationSeconds, at(configPath, 'durationSeconds'), { min: 1, max: 30 });
      const spans = fixedSegments(0, mediaDuration(key), length);
      const types = p.modality === 'video' ? videoTypes(p) : ['AUDIO'];
      for (const type of types) {
        const asset = mediaVector(ID, key, p.dims, type, p.purpose);
        results[type] = spans.map((span, segmentIndex) => ({
          embedding: segmentVector(asset, mediaVector(ID, key, p.dims, `${type}:${segmentIndex}`, p.purpose)),
          segmentMetadata: {
            segmentIndex,
            segmentStartSeconds: span.startSec,
            segmentEndSeconds: span.endSec,
          },
          status: 'SUCCESS',
        }));
      }
    }
  }

  const files: OutputFile[] = Object.entries(results).map(([type, records]) => ({
    key: FILES[type] as string,
    body: records.map((r) => JSON.stringify(r)).join('\n') + (type === 'IMAGE' ? '' : '\n'),
  }));
  const summary = {
    sourceFileUri,
    embeddingDimension: p.dims,
    embeddingResults: Object.keys(results).map((type) => ({
      embeddingType: type,
      status: 'SUCCESS',
      outputFileUri: `${ctx.outputFolderUri}/${FILES[type]}`,
    })),
  };
  files.push({ key: 'segmented-embedding-result.json', body: JSON.stringify(summary) });
  files.push({
    key: 'manifest.json',
    body: JSON.stringify({ invocationId: ctx.invocationId, modelId: ID, files: files.map((f) => f.key) }),
  });
  return files;
}

/** Nova 2 Multimodal Embeddings. */
export const nova: EmulatedModel = {
  ids: [ID],
  sync: 'base-or-profile',
  async: 'base-or-profile',
  invoke,
  startAsync,
};
