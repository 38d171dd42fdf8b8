/**
 * Media handling shared by the model files: strict base64, data URIs, image formats by magic bytes and
 * their pixel size, S3 locations.
 */
import { at, fail, object, string } from './validation.js';

/** Image formats the emulator recognises by their magic bytes. */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** A decoded image's format and size (size 0 when the header does not say). */
export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
  bitDepth: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard base64 (no whitespace, padded), failing at `path` when it is not base64. */
export function decodeBase64(value: string, path: string): Uint8Array {
  if (value.length % 4 !== 0 || !BASE64.test(value)) fail(path, 'string is not valid base64');
  return new Uint8Array(Buffer.from(value, 'base64'));
}

/** Splits `data:<mime>;base64,<data>` into its MIME type and bytes. */
export function decodeDataUri(value: string, path: string): { mime: string; bytes: Uint8Array } {
  const match = /^data:([a-z]+\/[a-z0-9.+-]+);base64,(.*)$/is.exec(value);
  if (!match) fail(path, 'expected a data URI of the form data:<mime type>;base64,<data>');
  return { mime: (match[1] as string).toLowerCase(), bytes: decodeBase64(match[2] as string, path) };
}

function u16be(b: Uint8Array, i: number): number {
  return ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
}
function u32be(b: Uint8Array, i: number): number {
  return (u16be(b, i) * 0x10000 + u16be(b, i + 2)) >>> 0;
}
function u16le(b: Uint8Array, i: number): number {
  return (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, i: number): number {
  return u16le(b, i) | ((b[i + 2] ?? 0) << 16);
}
function startsWith(b: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  return bytes.every((x, i) => b[offset + i] === x);
}

/** The image's format and size from its header, or undefined when the bytes are no known image. */
export function imageInfo(b: Uint8Array): ImageInfo | undefined {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { format: 'png', width: u32be(b, 16), height: u32be(b, 20), bitDepth: b[24] ?? 8 };
  }
  if (startsWith(b, [0xff, 0xd8, 0xff])) {
    // Walk the JPEG segments to the first start-of-frame marker, which holds the size.
    let i = 2;
    while (i + 9 < b.length && b[i] === 0xff) {
      const marker = b[i + 1] as number;
      const sof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (sof)
        return { format: 'jpeg', height: u16be(b, i + 5), width: u16be(b, i + 7), bitDepth: b[i + 4] ?? 8 };
      i += 2 + u16be(b, i + 2);
    }
    return { format: 'jpeg', width: 0, height: 0, bitDepth: 8 };
  }
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38])) {
    return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8), bitDepth: 8 };
  }
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) {
    const chunk = String.fromCharCode(...b.subarray(12, 16));
    if (chunk === 'VP8X')
      return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, bitDepth: 8 };
    if (chunk === 'VP8 ') {
      return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, bitDepth: 8 };
    }
    if (chunk === 'VP8L') {
      const bits = u32be(new Uint8Array([b[24] ?? 0, b[23] ?? 0, b[22] ?? 0, b[21] ?? 0]), 0);
      return {
        format: 'webp',
        width: (bits & 0x3fff) + 1,
        height: ((bits >>> 14) & 0x3fff) + 1,
        bitDepth: 8,
      };
    }
    return { format: 'webp', width: 0, height: 0, bitDepth: 8 };
  }
  return undefined;
}

/**
 * Checks decoded bytes are an image of one of the `allowed` formats (and of `declared` format when the
 * request states one), failing at `path` otherwise.
 */
export function requireImage(
  bytes: Uint8Array,
  path: string,
  allowed: readonly ImageFormat[],
  declared?: string,
): ImageInfo {
  const info = imageInfo(bytes);
  if (!info) fail(path, `image data is not a valid ${allowed.join(', ')} image`);
  if (!allowed.includes(info.format)) {
    fail(path, `image format ${info.format} is not supported, supported formats: ${allowed.join(', ')}`);
  }
  if (declared !== undefined && declared !== info.format) {
    fail(path, `image format is declared as ${declared} but the data is ${info.format}`);
  }
  return info;
}

/** Container families of inline video and audio, told apart by their magic bytes. */
export type MediaContainer =
  | 'iso-bmff' // mp4, mov, 3gp (an `ftyp` box at offset 4)
  | 'matroska' // mkv, webm (EBML header)
  | 'flv'
  | 'mpeg' // program or transport stream
  | 'asf' // wmv
  | 'mp3'
  | 'wav'
  | 'ogg'
  | 'flac';

/** The container a declared format (Nova's `format`) is carried in. */
export const CONTAINER_OF: Record<string, MediaContainer> = {
  mp4: 'iso-bmff',
  mov: 'iso-bmff',
  '3gp': 'iso-bmff',
  mkv: 'matroska',
  webm: 'matroska',
  flv: 'flv',
  mpeg: 'mpeg',
  mpg: 'mpeg',
  wmv: 'asf',
  mp3: 'mp3',
  wav: 'wav',
  ogg: 'ogg',
  flac: 'flac',
};

const VIDEO_CONTAINERS: readonly MediaContainer[] = ['iso-bmff', 'matroska', 'flv', 'mpeg', 'asf'];
const AUDIO_CONTAINERS: readonly MediaContainer[] = ['mp3', 'wav', 'ogg', 'flac', 'iso-bmff'];

/** The container of video or audio bytes, or undefined when the bytes are none the emulator knows. */
export function mediaContainer(b: Uint8Array): MediaContainer | undefined {
  if (startsWith(b, [0x66, 0x74, 0x79, 0x70], 4)) return 'iso-bmff';
  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return 'matroska';
  if (startsWith(b, [0x46, 0x4c, 0x56])) return 'flv';
  if (startsWith(b, [0x00, 0x00, 0x01, 0xba]) || startsWith(b, [0x00, 0x00, 0x01, 0xb3])) return 'mpeg';
  if (b[0] === 0x47 && (b.length <= 188 || b[188] === 0x47)) return 'mpeg';
  if (startsWith(b, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11])) return 'asf';
  if (startsWith(b, [0x49, 0x44, 0x33]) || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return 'mp3';
  if (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x41, 0x56, 0x45], 8)) return 'wav';
  if (startsWith(b, [0x4f, 0x67, 0x67, 0x53])) return 'ogg';
  if (startsWith(b, [0x66, 0x4c, 0x61, 0x43])) return 'flac';
  return undefined;
}

/**
 * Checks inline video or audio bytes by their magic bytes: a container of that modality and, when the
 * request declares a format, the container that format is carried in (mp4/mov/3gp share one, as do
 * mkv/webm and mpeg/mpg, so those are not told apart).
 */
export function requireMedia(
  bytes: Uint8Array,
  path: string,
  modality: 'video' | 'audio',
  declared?: string,
): MediaContainer {
  const container = mediaContainer(bytes);
  const allowed = modality === 'video' ? VIDEO_CONTAINERS : AUDIO_CONTAINERS;
  if (!container || !allowed.includes(container))
    fail(path, `${modality} data is not a supported ${modality} format`);
  if (declared !== undefined && CONTAINER_OF[declared] !== container) {
    fail(path, `${modality} format is declared as ${declared} but the data is ${container}`);
  }
  return container;
}

/** Fails when the decoded media is larger than `maxBytes`. */
export function requireSize(bytes: Uint8Array, path: string, maxBytes: number): void {
  if (bytes.length > maxBytes) {
    fail(path, `media size ${bytes.length} bytes exceeds the maximum of ${maxBytes} bytes`);
  }
}

const S3_URI = /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9]\/.+$/;
const ACCOUNT_ID = /^[0-9]{12}$/;

/** Reads `{ uri, bucketOwner? }` at `path` and returns the URI. */
export function s3Location(value: unknown, path: string): string {
  const loc = object(value, path, ['uri', 'bucketOwner'], ['uri']);
  const uri = string(loc.uri, at(path, 'uri'), { minLength: 1, maxLength: 1024 });
  if (!S3_URI.test(uri))
    fail(at(path, 'uri'), `string [${uri}] does not match pattern ${S3_URI.source.replaceAll('\\/', '/')}`);
  if (loc.bucketOwner !== undefined) {
    const owner = string(loc.bucketOwner, at(path, 'bucketOwner'));
    if (!ACCOUNT_ID.test(owner))
      fail(at(path, 'bucketOwner'), `string [${owner}] does not match pattern ^[0-9]{12}$`);
  }
  return uri;
}

/**
 * An image's token cost as Cohere documents it: (pixels / 784) x 4, with the pixel count clamped to
 * [3136, 2458624]; 1,000 when the size is unknown (S3 images, headerless data).
 */
export function imageTokens(info: ImageInfo | undefined): number {
  if (!info || info.width === 0 || info.height === 0) return 1000;
  const pixels = Math.min(Math.max(info.width * info.height, 3136), 2_458_624);
  return Math.ceil((pixels / 784) * 4);
}
