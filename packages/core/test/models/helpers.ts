/** Fixtures shared by the family unit tests: contexts, params and parsed media. */
import type {
  AsyncOutputReader,
  FamilyContext,
  Media,
  ModelFamily,
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
