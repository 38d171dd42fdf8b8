/**
 * Small helpers shared by the model families: typed errors that name the model, input checks
 * (text length, image formats, inline sizes, S3 bucket owners), body building (S3 sources, the
 * deep merge of `providerOptions`) and cheap response shape checks (no per-number work on the hot
 * path). Async options and output files are in `async-helpers.ts`.
 */
import { MalformedResponseError, ValidationError } from '../errors.js';
import { fromBase64 } from '../runtime.js';
import type { FamilyContext, Media, NormalizedInput } from '../types.js';

/** A `ValidationError` naming the model and the input field at fault. */
export function invalidInput(ctx: FamilyContext, parameter: string, message: string): ValidationError {
  return new ValidationError(`${ctx.modelId}: ${message}`, { model: ctx.modelId, parameter });
}

/** The error for a response body that does not have the documented shape (the engine adds the request id). */
export function malformedResponse(ctx: FamilyContext, detail: string): MalformedResponseError {
  return new MalformedResponseError(`Malformed response from ${ctx.modelId}: ${detail}`, {
    model: ctx.modelId,
    detail,
  });
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty list, judged by its first element only: `check.ts` then reads every value once. */
export function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && typeof value[0] === 'number';
}

/** `count` vectors, checked row by row (one look per row; `check.ts` checks lengths and values). */
export function isVectorList(value: unknown, count: number): value is number[][] {
  if (!Array.isArray(value) || value.length !== count) return false;
  for (const row of value) if (!isVector(row)) return false;
  return true;
}

/** Rejects modalities the family has no field for (the engine checks too; this keeps bodies sound). */
export function rejectMedia(
  ctx: FamilyContext,
  input: NormalizedInput,
  fields: readonly ('image' | 'images' | 'video' | 'audio')[],
): void {
  for (const field of fields) {
    if (input[field] !== undefined) {
      throw invalidInput(ctx, field, `\`${field}\` inputs are not supported by this model.`);
    }
  }
}

/** Known image formats, with `jpg` read as `jpeg`. Undefined when the format cannot be told. */
export function imageFormat(media: Media): string | undefined {
  return (
    declaredImageFormat(media) ??
    (media.source.type === 'base64' ? sniffImageFormat(media.source.data) : undefined)
  );
}

/** The format the caller stated (`format`, or the media type of a data URL), `jpg` read as `jpeg`. */
function declaredImageFormat(media: Media): string | undefined {
  const format = media.format ?? media.mediaType?.replace(/^image\//, '');
  return format === 'jpg' ? 'jpeg' : format;
}

/**
 * Checks inline image bytes against what the model takes: their signature must be one of
 * `formats`, and the format stated must be theirs. PNG bytes declared `jpg`, an SVG, or 8 MB of
 * zeros would otherwise reach Bedrock (and be paid for) only to be refused there.
 */
export function checkImageBytes(
  ctx: FamilyContext,
  parameter: string,
  media: Media,
  formats: readonly string[],
  unknownBytes: 'reject' | 'leave to Bedrock' = 'reject',
): void {
  if (media.source.type !== 'base64') return;
  const actual = sniffImageFormat(media.source.data);
  const declared = declaredImageFormat(media);
  const names = formats.join(', ');
  if (actual === undefined) {
    // Bytes of no known signature with a stated format are left to Bedrock to judge.
    if (declared !== undefined || unknownBytes !== 'reject') return;
    throw invalidInput(
      ctx,
      parameter,
      `cannot tell the image format: the data is not a ${names} image (its first bytes match none of these formats).`,
    );
  }
  if (!formats.includes(actual)) {
    throw invalidInput(ctx, parameter, `the image data is ${actual}; this model takes ${names}.`);
  }
  if (declared !== undefined && declared !== actual) {
    throw invalidInput(ctx, parameter, `the image is declared \`${declared}\` but its bytes are ${actual}.`);
  }
}

/** Reads the magic bytes at the start of base64 image data (decodes 12 bytes, not the image). */
function sniffImageFormat(base64: string): string | undefined {
  const head = fromBase64(base64.slice(0, 16));
  const ascii = (start: number, end: number) => String.fromCharCode(...head.subarray(start, end));
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (ascii(0, 4) === 'GIF8') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (head[0] === 0x42 && head[1] === 0x4d) return 'bmp';
  const start = ascii(0, head.length).trimStart();
  if (start.startsWith('<svg') || start.startsWith('<?xml')) return 'svg';
  return undefined;
}

/** Decoded size of inline media: the parser's count, else computed from the base64 length; undefined for S3. */
export function inlineByteLength(media: Media): number | undefined {
  if (media.source.type !== 'base64') return undefined;
  if (media.byteLength !== undefined) return media.byteLength;
  const data = media.source.data;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

/** One model's rules for an image. */
export interface ImageRules {
  formats: readonly string[];
  maxBytes: number;
}

/**
 * Checks an image for a model whose body takes inline images only (Titan multimodal, Cohere: no
 * S3 field): inline, a known format from the allowed list (an unknown format is left to Bedrock),
 * and the size limit.
 */
export function checkImage(ctx: FamilyContext, parameter: string, media: Media, rules: ImageRules): void {
  if (media.source.type !== 'base64') {
    throw invalidInput(
      ctx,
      parameter,
      'images must be inline (bytes, base64 or a data URL); this model does not read s3:// locations.',
    );
  }
  const format = imageFormat(media);
  if (format !== undefined && !rules.formats.includes(format)) {
    throw invalidInput(
      ctx,
      parameter,
      `image format \`${format}\` is not supported; use one of: ${rules.formats.join(', ')}.`,
    );
  }
  checkImageBytes(ctx, parameter, media, rules.formats);
  const bytes = inlineByteLength(media);
  if (bytes !== undefined && bytes > rules.maxBytes) {
    throw invalidInput(
      ctx,
      parameter,
      `image is ${bytes.toLocaleString('en-US')} bytes; the limit is ${rules.maxBytes.toLocaleString('en-US')} bytes.`,
    );
  }
}

/** Rejects text longer than a model's character limit. */
export function checkTextLength(ctx: FamilyContext, text: string, maxChars: number, why = ''): void {
  if (text.length > maxChars) {
    throw invalidInput(
      ctx,
      'text',
      `text is ${text.length.toLocaleString('en-US')} characters; the limit is ${maxChars.toLocaleString('en-US')}${why}.`,
    );
  }
}

/** An S3 bucket owner, when given, is a 12-digit account id. */
export function checkBucketOwner(media: Media, parameter: string, ctx: FamilyContext): void {
  if (media.source.type !== 's3') return;
  const owner = media.source.bucketOwner;
  if (owner !== undefined && !/^[0-9]{12}$/.test(owner)) {
    throw invalidInput(ctx, parameter, `bucketOwner must be a 12-digit AWS account id, got \`${owner}\`.`);
  }
}

/** `{ s3Location: { uri, bucketOwner? } }`: the S3 source shape both Nova and Marengo use. */
export function s3Location(media: Media): Record<string, unknown> | undefined {
  if (media.source.type !== 's3') return undefined;
  const { uri, bucketOwner } = media.source;
  return { s3Location: bucketOwner === undefined ? { uri } : { uri, bucketOwner } };
}

/** The embedding types to ask for: `float` always among them, so `embeddings` is filled whatever else is requested. */
export function withFloat(types: readonly string[]): string[] {
  return [...new Set(['float', ...types])];
}

/**
 * Merges `providerOptions` into a body last: values are copied verbatim, and nested plain objects
 * merge key by key, so `{ singleEmbeddingParams: { image: { ... } } }` adds to a nested body
 * instead of replacing it. The engine has already refused keys that would overwrite the inputs
 * (see `ModelCapabilities.bodyFields`), which relies on this merge being key by key.
 */
export function withProviderOptions(
  body: Record<string, unknown>,
  providerOptions: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return providerOptions === undefined ? body : mergeDeep(body, providerOptions);
}

function mergeDeep(body: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...body };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? mergeDeep(current, value) : value;
  }
  return merged;
}

/** The only input of a one-input-per-request model (the planner guarantees it; a broken plan fails loudly). */
export function single(batch: NormalizedInput[], ctx: FamilyContext): NormalizedInput {
  const [input] = batch;
  if (input === undefined || batch.length !== 1) {
    throw new Error(`${ctx.modelId} takes exactly one input per request, got ${batch.length}`);
  }
  return input;
}

/**
 * The `embedding` of every item of a response's list field (Nova `embeddings`, Marengo `data`):
 * exactly one per input of the batch, each a vector.
 */
export function itemVectors(body: unknown, field: string, batchSize: number, ctx: FamilyContext): number[][] {
  const items = isRecord(body) ? body[field] : undefined;
  if (!Array.isArray(items)) throw malformedResponse(ctx, `expected \`{ ${field}: [{ embedding }] }\`.`);
  if (items.length !== batchSize) {
    throw malformedResponse(ctx, `expected ${batchSize} embedding(s), got ${items.length}.`);
  }
  return items.map((item) => {
    if (!isRecord(item) || !isVector(item.embedding)) {
      throw malformedResponse(ctx, `an item of \`${field}\` has no \`embedding\` vector.`);
    }
    return item.embedding;
  });
}

/** A number field of a response or output record, or undefined. */
export function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** A string field of a response or output record, or undefined. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
