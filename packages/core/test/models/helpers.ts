/** Fixtures shared by the family unit tests: contexts, params and parsed media. */
import { ValidationError } from '../../src/errors.js';
import { resolveParams } from '../../src/params.js';
import { resolveModel } from '../../src/routing.js';
import type {
  AsyncOutputReader,
  CommonParams,
  FamilyContext,
  Media,
  ModelFamily,
  ModelSpec,
  ResolvedParams,
} from '../../src/types.js';

/** The context the engine hands a family for a base model id. */
export function contextFor(family: ModelFamily, id: string): FamilyContext & { mode: 'sync' } {
  const model = family.models.find((spec) => spec.id === id);
  if (model === undefined) throw new Error(`no model ${id} in ${family.id}`);
  return { model, modelId: id, mode: 'sync' };
}

/** Params as the engine resolves them: the model's default dimensions unless given. */
export function paramsFor(ctx: FamilyContext, params: Partial<ResolvedParams> = {}): ResolvedParams {
  return { dimensions: ctx.model.capabilities.dimensions.default, ...params };
}

/** A 1×1 PNG, and the start of a JFIF JPEG (enough for format detection). */
export const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
export const JPEG_BASE64 = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR8eHRoc';

/** Inline image media as the input parser produces it. */
export function inlineImage(data: string, details: Partial<Media> = {}): Media {
  return { modality: 'image', source: { type: 'base64', data }, ...details };
}

/** An image in S3. */
export function s3Image(uri: string): Media {
  return { modality: 'image', source: { type: 's3', uri }, format: 'png', mediaType: 'image/png' };
}

/** A vector of `length` numbers (values don't matter to the parsers). */
export function vector(length: number, seed = 0): number[] {
  return Array.from({ length }, (_, i) => ((i + seed) % 7) / 10 - 0.3);
}

/**
 * A job's output folder over in-memory files keyed by s3:// URI, as the engine's reader presents
 * it (relative keys resolved against the folder); a missing file fails as S3's NoSuchKey does.
 */
export function outputFolder(folderUri: string, files: Record<string, string>): AsyncOutputReader {
  const root = folderUri.replace(/\/+$/, '');
  return {
    folderUri,
    invocationArn: `arn:aws:bedrock:us-east-1:111122223333:async-invoke/${root.split('/').at(-1)}`,
    async readText(uriOrKey) {
      const uri = uriOrKey.startsWith('s3://') ? uriOrKey : `${root}/${uriOrKey}`;
      const text = files[uri];
      if (text === undefined) throw new Error(`NoSuchKey: ${uri}`);
      return text;
    },
  };
}

/**
 * What `resolveParams` (the engine's check before any request) says about a request's
 * `providerOptions` for `model`: the `ValidationError`, or undefined when the options pass.
 */
export function providerOptionsError(
  model: string,
  providerOptions: Record<string, unknown>,
  request: Omit<CommonParams, 'providerOptions'> = {},
): ValidationError | undefined {
  try {
    resolveParams({ ...request, providerOptions }, resolveModel(model));
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
}

/** The dotted paths of the string leaves of `body` that contain `needle` (array items by index). */
export function pathsHolding(body: unknown, needle: string, prefix = ''): string[] {
  if (typeof body === 'string') return body.includes(needle) ? [prefix] : [];
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body).flatMap(([key, value]) =>
    pathsHolding(value, needle, prefix === '' ? key : `${prefix}.${key}`),
  );
}

/**
 * The body fields holding an input (from `pathsHolding`) that no `inputs` entry of the model's
 * `bodyFields` protects, itself or through an enclosing object: should be none.
 */
export function unprotected(spec: ModelSpec, paths: string[]): string[] {
  const declared = Object.entries(spec.capabilities.bodyFields ?? {})
    .filter(([, source]) => source === 'inputs')
    .map(([path]) => path);
  return paths.filter((path) => !declared.some((field) => path === field || path.startsWith(`${field}.`)));
}
