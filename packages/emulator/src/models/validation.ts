/**
 * Body validation with AWS's wording. Bedrock validates model bodies with a JSON-schema validator and
 * answers `Malformed input request: <path>: <problem>, please reformat your input and try again.`; the
 * helpers here produce the same form, one violation at a time, with JSON-pointer-like paths (`#/texts/3`).
 */
import { EmulatedValidationError } from './types.js';

/** A JSON object from a request body. */
export type Json = Record<string, unknown>;

/** Throws the AWS-style validation error for `path`. */
export function fail(path: string, problem: string): never {
  throw new EmulatedValidationError(
    `Malformed input request: ${path}: ${problem}, please reformat your input and try again.`,
  );
}

/** The JSON-schema type name AWS's validator prints for a value. */
function typeName(value: unknown): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'JSONArray';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'BigDecimal';
  if (typeof value === 'object') return 'JSONObject';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'boolean') return 'Boolean';
  return typeof value;
}

function expected(path: string, type: string, value: unknown): never {
  return fail(path, `expected type: ${type}, found: ${typeName(value)}`);
}

/**
 * Checks that `value` is an object with only `allowed` keys and all `required` keys present
 * (AWS: "extraneous key [x] is not permitted", "required key [x] not found").
 */
export function object(
  value: unknown,
  path: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return expected(path, 'JSONObject', value);
  const obj = value as Json;
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(path, `extraneous key [${key}] is not permitted`);
  }
  for (const key of required) {
    if (obj[key] === undefined) fail(path, `required key [${key}] not found`);
  }
  return obj;
}

/** Joins a path and a key. */
export function at(path: string, key: string | number): string {
  return `${path}/${key}`;
}

/** A string, optionally limited in length. */
export function string(
  value: unknown,
  path: string,
  limits: { minLength?: number; maxLength?: number } = {},
): string {
  if (typeof value !== 'string') return expected(path, 'String', value);
  if (limits.minLength !== undefined && value.length < limits.minLength) {
    fail(path, `expected minLength: ${limits.minLength}, actual: ${value.length}`);
  }
  if (limits.maxLength !== undefined && value.length > limits.maxLength) {
    fail(path, `expected maxLength: ${limits.maxLength}, actual: ${value.length}`);
  }
  return value;
}

/** One of the given string values. */
export function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const s = string(value, path);
  if (!(allowed as readonly string[]).includes(s)) fail(path, `${s} is not a valid enum value`);
  return s as T;
}

/** One of the given integers. */
export function integerOneOf(value: unknown, path: string, allowed: readonly number[]): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) return expected(path, 'Integer', value);
  if (!allowed.includes(value)) fail(path, `${value} is not a valid enum value`);
  return value;
}

/** A number within bounds (inclusive). */
export function number(
  value: unknown,
  path: string,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return expected(path, 'Number', value);
  if (bounds.integer && !Number.isInteger(value)) return expected(path, 'Integer', value);
  if (bounds.min !== undefined && value < bounds.min)
    fail(path, `${value} is not greater or equal to ${bounds.min}`);
  if (bounds.max !== undefined && value > bounds.max)
    fail(path, `${value} is not less or equal to ${bounds.max}`);
  return value;
}

/** A boolean. */
export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') return expected(path, 'Boolean', value);
  return value;
}

/** An array, optionally limited in item count. */
export function array(
  value: unknown,
  path: string,
  limits: { minItems?: number; maxItems?: number } = {},
): unknown[] {
  if (!Array.isArray(value)) return expected(path, 'JSONArray', value);
  if (limits.minItems !== undefined && value.length < limits.minItems) {
    fail(path, `expected minimum item count: ${limits.minItems}, found: ${value.length}`);
  }
  if (limits.maxItems !== undefined && value.length > limits.maxItems) {
    fail(path, `expected maximum item count: ${limits.maxItems}, found: ${value.length}`);
  }
  return value;
}

/** An array of distinct values from `allowed`. */
export function enumList<T extends string>(value: unknown, path: string, allowed: readonly T[]): T[] {
  const items = array(value, path, { minItems: 1 });
  const out = items.map((item, i) => oneOf(item, at(path, i), allowed));
  if (new Set(out).size !== out.length) fail(path, 'array items are not unique');
  return out;
}
