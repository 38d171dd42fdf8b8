/**
 * Helpers for the families with nested bodies and async invoke (Nova, Marengo): deep merge of
 * `providerOptions`, async option checks, S3 bucket owners, inline size, and reading the output
 * files of a finished job.
 */
import { AsyncOutputError } from '../errors.js';
import type { AsyncOutputReader, FamilyContext, Media } from '../types.js';
import { invalidInput, isRecord } from './family-helpers.js';

/**
 * Merges `providerOptions` into a body last: values are copied verbatim, and nested plain objects
 * merge key by key, so `{ singleEmbeddingParams: { image: { ... } } }` adds to a nested body
 * instead of replacing it.
 */
export function mergeDeep(
  body: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...body };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? mergeDeep(current, value) : value;
  }
  return merged;
}

/** Rejects async option keys a model does not know, naming them and the known ones. */
export function rejectUnknownOptions(
  options: Record<string, unknown>,
  known: readonly string[],
  ctx: FamilyContext,
  hint = '',
): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw invalidInput(
      ctx,
      `asyncOptions.${unknown[0]}`,
      `unknown async option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `\`${k}\``).join(', ')}; this model accepts: ${known.join(', ')}.${hint}`,
    );
  }
}

/** A numeric range as documented: inclusive bounds unless `exclusiveMin`. */
export interface Range {
  min: number;
  max?: number;
  integer?: boolean;
  exclusiveMin?: boolean;
}

/** Reads a numeric async option, checked against its documented range. */
export function numberOption(
  options: Record<string, unknown>,
  key: string,
  range: Range,
  ctx: FamilyContext,
): number | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.exclusiveMin ? value > range.min : value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (!range.integer || Number.isInteger(value));
  if (!ok) {
    const bound =
      range.max === undefined
        ? `${range.exclusiveMin ? '>' : '>='} ${range.min}`
        : `from ${range.min} to ${range.max}`;
    throw invalidInput(
      ctx,
      `asyncOptions.${key}`,
      `${key} must be ${range.integer ? 'an integer' : 'a number'} ${bound}, got \`${String(value)}\`.`,
    );
  }
  return value;
}

/** Reads a list option whose items come from a fixed set (non-empty, no repeats). */
export function listOption(
  options: Record<string, unknown>,
  key: string,
  allowed: readonly string[],
  ctx: FamilyContext,
): string[] | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    new Set(value).size === value.length &&
    value.every((item) => allowed.includes(item));
  if (!ok) {
    throw invalidInput(
      ctx,
      `asyncOptions.${key}`,
      `${key} must be a non-empty list of distinct values from ${allowed.join(', ')}, got \`${JSON.stringify(value)}\`.`,
    );
  }
  return value as string[];
}

/** Rejects an option given for a modality it does not apply to (nothing is silently ignored). */
export function onlyFor(
  options: Record<string, unknown>,
  keys: readonly string[],
  modalities: readonly string[],
  modality: string,
  ctx: FamilyContext,
): void {
  for (const key of keys) {
    if (options[key] !== undefined && !modalities.includes(modality)) {
      throw invalidInput(
        ctx,
        `asyncOptions.${key}`,
        `${key} applies to ${modalities.join(' and ')} input only, not ${modality}.`,
      );
    }
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

/** Decoded size of inline media (undefined for S3). */
export function inlineBytes(media: Media): number | undefined {
  if (media.source.type !== 'base64') return undefined;
  return media.byteLength ?? Math.floor((media.source.data.length * 3) / 4);
}

/** `{ s3Location: { uri, bucketOwner? } }`: the S3 source shape both Nova and Marengo use. */
export function s3Location(media: Media): Record<string, unknown> | undefined {
  if (media.source.type !== 's3') return undefined;
  const { uri, bucketOwner } = media.source;
  return { s3Location: bucketOwner === undefined ? { uri } : { uri, bucketOwner } };
}

/** A number field of an output record, or undefined. */
export function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** A string field of an output record, or undefined. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The s3:// URI of an output file given as a full URI or a key relative to the job folder. */
export function outputLocation(reader: AsyncOutputReader, uriOrKey: string): string {
  return uriOrKey.startsWith('s3://') ? uriOrKey : `${reader.folderUri.replace(/\/+$/, '')}/${uriOrKey}`;
}

/** An `AsyncOutputError` for one output file, carrying the job's ARN. */
export function outputError(
  reader: AsyncOutputReader,
  ctx: FamilyContext,
  location: string,
  detail: string,
  cause?: unknown,
): AsyncOutputError {
  return new AsyncOutputError(`${ctx.modelId}: async output ${location} ${detail}`, {
    model: ctx.modelId,
    invocationArn: reader.invocationArn ?? '',
    location,
    cause,
  });
}

/** Parses JSON Lines, or one JSON document (an object, or an array of them). */
function parseRecords(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const whole: unknown = JSON.parse(trimmed);
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    return trimmed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  }
}

/**
 * Reads one output file as JSON records (a JSON document or JSON Lines). A file that cannot be
 * read or parsed is an `AsyncOutputError` naming its location.
 */
export async function readRecords(
  reader: AsyncOutputReader,
  uriOrKey: string,
  ctx: FamilyContext,
): Promise<unknown[]> {
  const location = outputLocation(reader, uriOrKey);
  let text: string;
  try {
    text = await reader.readText(uriOrKey);
  } catch (cause) {
    if (cause instanceof AsyncOutputError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw outputError(reader, ctx, location, `could not be read: ${reason}`, cause);
  }
  try {
    return parseRecords(text);
  } catch (cause) {
    throw outputError(reader, ctx, location, 'is not valid JSON or JSON Lines.', cause);
  }
}
