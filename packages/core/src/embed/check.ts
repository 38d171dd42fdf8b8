/**
 * The check every synchronous answer passes before it is returned: the number of vectors, the
 * length of every vector (known before the request is sent: the asked or default dimension), every
 * value a finite number, and every requested embedding type present with one row per input of the
 * right length and range. A family's parser only finds the fields (it looks at no number); this is
 * the one place where values are read, once each, so a hostile or broken answer (a proxy, a
 * truncated body, `null`s) becomes a `MalformedResponseError` instead of vectors in a store.
 *
 * The vectors are the arrays `JSON.parse` built; they are returned as they are (no copy), so this
 * single loop is the only pass over the numbers.
 */
import { MalformedResponseError } from '../errors.js';
import type { EmbeddingType, ParsedResponse, ResolvedParams } from '../types.js';

/** What a response must hold, known before the request is sent. */
export interface ResponseExpectation {
  /** The model id as the caller gave it. */
  model: string;
  /** The id sent on the wire. */
  modelId: string;
  /** The family (`cohere` packs binary types 8 dimensions a byte, Titan does not). */
  family: string;
  /** Inputs in the request: one vector per input. */
  count: number;
  params: Pick<ResolvedParams, 'dimensions' | 'embeddingTypes'>;
  requestId?: string;
}

/**
 * The dimension and embedding types the body will ask for: the resolved parameters, unless
 * `providerOptions` sets the raw field itself (allowed when the common parameter is not given,
 * e.g. Cohere's `output_dimension`), found through the model's `bodyFields`.
 */
export function expectedParams(
  params: ResolvedParams,
  bodyFields: Record<string, string> | undefined,
): ResponseExpectation['params'] {
  const expected: ResponseExpectation['params'] = {
    dimensions: params.dimensions,
    ...(params.embeddingTypes === undefined ? {} : { embeddingTypes: params.embeddingTypes }),
  };
  if (params.providerOptions === undefined) return expected;
  for (const [path, source] of Object.entries(bodyFields ?? {})) {
    if (source !== 'dimensions' && source !== 'embeddingTypes') continue;
    let value: unknown = params.providerOptions;
    for (const key of path.split('.')) {
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    }
    if (source === 'dimensions' && typeof value === 'number') expected.dimensions = value;
    if (source === 'embeddingTypes' && Array.isArray(value)) {
      expected.embeddingTypes = value.filter((type): type is EmbeddingType => type !== 'float');
    }
  }
  return expected;
}

/** Length and value range of one row of an embedding type. */
interface RowRule {
  length: number;
  /** Integer bounds for the quantised types; undefined for floats. */
  min?: number;
  max?: number;
}

function ruleOf(type: EmbeddingType | 'float', family: string, dimensions: number): RowRule {
  switch (type) {
    case 'float':
      return { length: dimensions };
    case 'int8':
      return { length: dimensions, min: -128, max: 127 };
    case 'uint8':
      return { length: dimensions, min: 0, max: 255 };
    case 'binary':
      // Cohere packs 8 dimensions per signed byte; Titan V2 sends one 0/1 per dimension.
      return family === 'cohere'
        ? { length: dimensions / 8, min: -128, max: 127 }
        : { length: dimensions, min: 0, max: 1 };
    case 'ubinary':
      return { length: dimensions / 8, min: 0, max: 255 };
  }
}

/**
 * Throws a `MalformedResponseError` (model, request id, what was wrong) unless `parsed` holds
 * exactly what was asked for.
 */
export function checkResponse(parsed: ParsedResponse, expected: ResponseExpectation): void {
  const { count, params, family } = expected;
  const fail = (detail: string): never => {
    throw malformedError(detail, expected);
  };
  checkRows(parsed.embeddings, 'embeddings', count, ruleOf('float', family, params.dimensions), fail);
  for (const type of params.embeddingTypes ?? []) {
    if ((type as string) === 'float') continue;
    const rows = parsed.embeddingsByType?.[type];
    if (rows === undefined) fail(`no \`${type}\` embeddings, though they were requested.`);
    checkRows(rows!, type, count, ruleOf(type, family, params.dimensions), fail);
  }
}

function malformedError(detail: string, expected: ResponseExpectation, cause?: unknown) {
  const id = expected.requestId === undefined ? '' : ` [request id ${expected.requestId}]`;
  return new MalformedResponseError(`Malformed response from ${expected.modelId}: ${detail}${id}`, {
    model: expected.model,
    detail,
    ...(expected.requestId === undefined ? {} : { requestId: expected.requestId }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** A family parser's failure (the body lacks a documented field) as a `MalformedResponseError` with the request id. */
export function malformed(error: unknown, expected: ResponseExpectation): MalformedResponseError {
  if (error instanceof MalformedResponseError) return malformedError(error.detail, expected);
  return malformedError(error instanceof Error ? error.message : String(error), expected, error);
}

function checkRows(
  rows: readonly unknown[],
  name: string,
  count: number,
  rule: RowRule,
  fail: (detail: string) => never,
): void {
  if (!Array.isArray(rows) || rows.length !== count) {
    fail(`${Array.isArray(rows) ? rows.length : 'no'} \`${name}\` vectors for ${count} input(s).`);
  }
  const { length, min, max } = rule;
  for (let r = 0; r < count; r++) {
    const row = rows[r] as unknown[];
    if (!Array.isArray(row)) fail(`${name}[${r}] is not a list of numbers.`);
    if (row.length !== length) fail(`${name}[${r}] has ${row.length} values, expected ${length}.`);
    if (min === undefined) {
      for (let i = 0; i < length; i++) {
        const value = row[i];
        // `v - v` is 0 only for a finite number (NaN and ±Infinity give NaN); `typeof` rules out `"1"`, `null`.
        if (typeof value !== 'number' || value - value !== 0) fail(badValue(name, r, i, value));
      }
    } else {
      for (let i = 0; i < length; i++) {
        const value = row[i];
        if (!Number.isInteger(value) || (value as number) < min || (value as number) > max!) {
          fail(`${badValue(name, r, i, value)} (${name} values are integers from ${min} to ${max})`);
        }
      }
    }
  }
}

function badValue(name: string, row: number, index: number, value: unknown): string {
  const shown =
    typeof value === 'number' ? String(value) : value === undefined ? 'undefined' : JSON.stringify(value);
  return `${name}[${row}][${index}] is ${shown?.slice(0, 40)}, not a finite number`;
}

/**
 * What is wrong with one vector of an async output file (wrong length, a value that is not a
 * finite number), or undefined when it is sound.
 */
export function vectorProblem(row: unknown, length: number): string | undefined {
  if (!Array.isArray(row)) return 'is not a list of numbers';
  if (row.length !== length) return `has ${row.length} values, expected ${length}`;
  for (let i = 0; i < length; i++) {
    const value: unknown = row[i];
    if (typeof value !== 'number' || value - value !== 0) {
      return `[${i}] is ${typeof value === 'number' ? String(value) : JSON.stringify(value ?? null)?.slice(0, 40)}, not a finite number`;
    }
  }
  return undefined;
}
