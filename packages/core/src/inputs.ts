/**
 * Caller inputs -> `NormalizedInput`: text checked, media parsed into base64 or an S3 location
 * with its modality and format. Nothing is fetched: http(s) URLs are rejected. Errors name the
 * model and the input (`inputs[3].image`).
 */
import { ValidationError } from './errors.js';
import { fromBase64, toBase64 } from './runtime.js';
import type { EmbeddingInput, Media, MediaInput, MediaValue, Modality, NormalizedInput } from './types.js';

type MediaModality = Exclude<Modality, 'text'>;

/** File extension or MIME subtype -> canonical format (lower-case, `jpg` read as `jpeg`). */
const FORMAT_ALIASES: Record<string, string> = {
  jpg: 'jpeg',
  quicktime: 'mov',
  'x-matroska': 'mkv',
  matroska: 'mkv',
  'x-flv': 'flv',
  'x-ms-wmv': 'wmv',
  '3gpp': '3gp',
  'x-wav': 'wav',
  wave: 'wav',
  'x-m4a': 'm4a',
};

/** Formats by modality, for extensions of `s3://` URIs and for MIME types. */
const MODALITY_OF_FORMAT: Record<string, MediaModality> = {
  png: 'image',
  jpeg: 'image',
  gif: 'image',
  webp: 'image',
  bmp: 'image',
  tiff: 'image',
  mp4: 'video',
  mov: 'video',
  mkv: 'video',
  webm: 'video',
  flv: 'video',
  mpg: 'video',
  mpeg: 'video',
  wmv: 'video',
  '3gp': 'video',
  avi: 'video',
  m4v: 'video',
  mp3: 'audio',
  wav: 'audio',
  ogg: 'audio',
  flac: 'audio',
  m4a: 'audio',
  aac: 'audio',
};

/** MIME types by format (for data URLs a family builds, e.g. Cohere's `data:image/png;base64,`). */
const MEDIA_TYPE_OF_FORMAT: Record<string, string> = {
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  flv: 'video/x-flv',
  wmv: 'video/x-ms-wmv',
  '3gp': 'video/3gpp',
  mpg: 'video/mpeg',
  mp3: 'audio/mpeg',
};

const DATA_URL = /^data:([a-z]+)\/([a-z0-9.+-]+)((?:;[a-z0-9-]+=[^;,]*)*);base64,/i;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function canonicalFormat(format: string): string {
  const lower = format.toLowerCase();
  return FORMAT_ALIASES[lower] ?? lower;
}

function mediaTypeOf(modality: MediaModality, format: string | undefined): string | undefined {
  if (format === undefined) return undefined;
  return MEDIA_TYPE_OF_FORMAT[format] ?? `${modality}/${format}`;
}

/** Format from the first bytes, for inline media without a stated format. */
function sniffFormat(head: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => String.fromCharCode(...head.subarray(start, end));
  if (head[0] === 0x89 && ascii(1, 4) === 'PNG') return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF')
    return ascii(8, 12) === 'WEBP' ? 'webp' : ascii(8, 12) === 'WAVE' ? 'wav' : undefined;
  if (ascii(4, 8) === 'ftyp') return ascii(8, 10) === 'qt' ? 'mov' : ascii(8, 11) === '3gp' ? '3gp' : 'mp4';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'webm';
  if (ascii(0, 3) === 'ID3' || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return 'mp3';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  return undefined;
}

function base64ByteLength(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return (data.length / 4) * 3 - padding;
}

interface Where {
  model: string;
  /** `inputs[3].image` */
  path: string;
}

function fail(where: Where, message: string): never {
  throw new ValidationError(`${where.model}: ${where.path} ${message}`, {
    model: where.model,
    parameter: where.path,
  });
}

function checkBase64(data: string, where: Where): void {
  if (data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) {
    fail(where, 'is not valid base64 (nor a data: URL or s3:// URI).');
  }
}

/**
 * Parses one media value. `stated` is the modality of the field it came in (`image`, ...), or
 * undefined for a bare string whose modality is detected.
 */
function parseMedia(raw: MediaValue | MediaInput, stated: MediaModality | undefined, where: Where): Media {
  const detail: MediaInput =
    typeof raw === 'string' || raw instanceof Uint8Array ? { value: raw } : (raw as MediaInput);
  if (typeof detail !== 'object' || detail === null) fail(where, 'must be bytes, a string or { value }.');
  const { value } = detail;
  for (const key of ['format', 'bucketOwner'] as const) {
    const field: unknown = detail[key];
    if (field !== undefined && typeof field !== 'string') {
      fail({ ...where, path: `${where.path}.${key}` }, `must be a string, not ${JSON.stringify(field)}.`);
    }
  }
  let format = detail.format === undefined ? undefined : canonicalFormat(detail.format);
  let mediaType: string | undefined;
  let source: Media['source'];
  let byteLength: number | undefined;
  let detected: MediaModality | undefined;

  if (value instanceof Uint8Array) {
    if (value.byteLength === 0) fail(where, 'is empty.');
    source = {
      type: 'base64',
      data: toBase64(value),
    };
    byteLength = value.byteLength;
    format ??= sniffFormat(value.subarray(0, 16));
  } else if (typeof value === 'string') {
    if (/^https?:\/\//i.test(value)) {
      fail(
        where,
        'is an http(s) URL; nothing is downloaded. Pass bytes, base64, a data: URL or an s3:// URI.',
      );
    }
    const dataUrl = DATA_URL.exec(value);
    if (dataUrl !== null) {
      const data = value.slice(dataUrl[0].length);
      checkBase64(data, where);
      detected = dataUrl[1]!.toLowerCase() as MediaModality;
      mediaType = `${detected}/${dataUrl[2]!.toLowerCase()}`;
      const subtype = canonicalFormat(dataUrl[2]!);
      // audio/mpeg is MP3; video/mpeg stays mpeg.
      format ??= detected === 'audio' && subtype === 'mpeg' ? 'mp3' : subtype;
      source = { type: 'base64', data };
      byteLength = base64ByteLength(data);
    } else if (value.startsWith('data:')) {
      fail(
        where,
        'is a data: URL that is not base64 image/video/audio (`data:<type>/<subtype>;base64,...`).',
      );
    } else if (value.startsWith('s3://')) {
      if (!S3_URI.test(value)) fail(where, 'is not a valid s3://bucket/key URI.');
      const extension = /\.([a-z0-9]+)$/i.exec(value)?.[1];
      format ??= extension === undefined ? undefined : canonicalFormat(extension);
      source = {
        type: 's3',
        uri: value,
        ...(detail.bucketOwner === undefined ? {} : { bucketOwner: detail.bucketOwner }),
      };
    } else {
      checkBase64(value, where);
      source = { type: 'base64', data: value };
      byteLength = base64ByteLength(value);
      format ??= sniffFormat(fromBase64(value.slice(0, 24)));
    }
  } else {
    fail(where, `must be bytes (Uint8Array), base64, a data: URL or an s3:// URI, not ${typeof value}.`);
  }

  detected ??= format === undefined ? undefined : MODALITY_OF_FORMAT[format];
  if (stated !== undefined && detected !== undefined && detected !== stated) {
    fail(where, `looks like ${detected} (${mediaType ?? format}), not ${stated}.`);
  }
  const modality = stated ?? detected;
  if (modality === undefined || !['image', 'video', 'audio'].includes(modality)) {
    fail(
      where,
      'has a modality that cannot be detected: pass it as { image }, { video } or { audio } with a format.',
    );
  }
  mediaType ??= mediaTypeOf(modality, format);
  if (detail.bucketOwner !== undefined && source.type !== 's3')
    fail(where, 'has a bucketOwner but is not an s3:// URI.');
  return {
    modality,
    source,
    ...(format === undefined ? {} : { format }),
    ...(mediaType === undefined ? {} : { mediaType }),
    ...(byteLength === undefined ? {} : { byteLength }),
  };
}

function checkText(text: unknown, where: Where): string {
  if (typeof text !== 'string') fail(where, `must be a string, not ${text === null ? 'null' : typeof text}.`);
  if (text.trim().length === 0) fail(where, 'is empty or whitespace only.');
  return text;
}

const FIELDS = new Set(['text', 'image', 'video', 'audio', 'images']);

/** A bare string: text, unless it is a media data: URL or an s3:// URI of a media file. */
function fromString(value: string, where: Where): NormalizedInput {
  if (DATA_URL.test(value) || value.startsWith('s3://')) {
    const media = parseMedia(value, undefined, where);
    return { [media.modality]: media };
  }
  return { text: checkText(value, where) };
}

/**
 * Normalises the caller's inputs. Bare strings are text, except `data:` URLs of images, video or
 * audio and `s3://` URIs of media files, whose modality is detected; objects state the modality by
 * their fields.
 *
 * @throws ValidationError naming the model and `inputs[i]` (and field) for anything malformed.
 */
export function normalizeInputs(inputs: readonly EmbeddingInput[], model: string): NormalizedInput[] {
  if (!Array.isArray(inputs)) {
    throw new ValidationError(`${model}: \`inputs\` must be an array.`, { model, parameter: 'inputs' });
  }
  const normalized = new Array<NormalizedInput>(inputs.length);
  for (let i = 0; i < inputs.length; i++) normalized[i] = normalizeInput(inputs[i], model, i);
  return normalized;
}

/** Normalises one input, the `index`-th of the caller's (errors name `inputs[index]`). */
export function normalizeInput(input: unknown, model: string, index: number): NormalizedInput {
  const path = `inputs[${index}]`;
  if (typeof input === 'string') return fromString(input, { model, path });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(
      { model, path },
      `must be a string or an object like { text } / { image }, not ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}.`,
    );
  }
  const fields = input as Record<string, unknown>;
  const out: NormalizedInput = {};
  for (const key of Object.keys(fields)) {
    if (fields[key] === undefined) continue;
    if (!FIELDS.has(key))
      fail({ model, path: `${path}.${key}` }, 'is not an input field (text, image, images, video, audio).');
  }
  if (fields.text !== undefined) out.text = checkText(fields.text, { model, path: `${path}.text` });
  for (const modality of ['image', 'video', 'audio'] as const) {
    const value = fields[modality];
    if (value !== undefined) {
      out[modality] = parseMedia(value as MediaValue | MediaInput, modality, {
        model,
        path: `${path}.${modality}`,
      });
    }
  }
  if (fields.images !== undefined) {
    if (!Array.isArray(fields.images) || fields.images.length === 0) {
      fail({ model, path: `${path}.images` }, 'must be a non-empty array of images.');
    }
    out.images = fields.images.map((image, j) =>
      parseMedia(image as MediaValue | MediaInput, 'image', { model, path: `${path}.images[${j}]` }),
    );
  }
  if (Object.keys(out).length === 0) fail({ model, path }, 'has none of text, image, images, video, audio.');
  return out;
}

/** The modalities present in an input (`images` counts as image). */
export function modalitiesOf(input: NormalizedInput): Modality[] {
  const modalities: Modality[] = [];
  if (input.text !== undefined) modalities.push('text');
  if (input.image !== undefined || input.images !== undefined) modalities.push('image');
  if (input.video !== undefined) modalities.push('video');
  if (input.audio !== undefined) modalities.push('audio');
  return modalities;
}

/**
 * A family's validation error, re-addressed to the input it concerns (`text` -> `inputs[3].text` for
 * `embed`, `video.format` -> `input[2].video.format` for `startAsyncEmbed`). A request-level option
 * (`asyncOptions.*`, `providerOptions.*`) keeps its name, and the message says which input it failed for.
 */
export function atInput(error: unknown, path: string): unknown {
  if (!(error instanceof ValidationError)) return error;
  const field = error.parameter;
  const requestLevel = field !== undefined && /^(asyncOptions|providerOptions)\./.test(field);
  const parameter = requestLevel
    ? field
    : field === undefined || field === 'input'
      ? path
      : `${path}.${field}`;
  return new ValidationError(`${error.message} (${requestLevel ? `for ${path}` : parameter})`, {
    model: error.model,
    parameter,
    cause: error,
  });
}
