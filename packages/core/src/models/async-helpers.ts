/**
 * Helpers for the families with async invoke (Nova, Marengo): checking a job's `asyncOptions`, and
 * reading the output files of a finished job.
 */
import { AsyncOutputError } from '../errors.js';
import type { AsyncOutputReader, FamilyContext } from '../types.js';
import { invalidInput } from './family-helpers.js';

/** Rejects async option keys a model does not know, naming them and the known ones. */
export function rejectUnknownOptions(
  options: Record<string, unknown>,
  known: readonly string[],
  ctx: FamilyContext,
): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw invalidInput(
      ctx,
      `asyncOptions.${unknown[0]}`,
      `unknown async option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `\`${k}\``).join(', ')}; this model accepts: ${known.join(', ')}.`,
    );
  }
}

/** A numeric range as documented: inclusive bounds unless `exclusiveMin`. */
interface Range {
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

/**
 * Reads a list option whose items come from a fixed set (non-empty, no repeats). `modality` names
 * the input kind when the set depends on it.
 */
export function listOption(
  options: Record<string, unknown>,
  key: string,
  allowed: readonly string[],
  ctx: FamilyContext,
  modality?: string,
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
      `${key}${modality === undefined ? '' : ` for ${modality} input`} must be a non-empty list of distinct values from ${allowed.join(', ')}, got \`${JSON.stringify(value)}\`.`,
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
