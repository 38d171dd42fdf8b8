/**
 * Cohere Embed on Bedrock: English v3 and Multilingual v3 (`texts` or one image, 1024 dimensions) and v4
 * (`texts`, `images` or interleaved `inputs`, 256-1536 dimensions). Float vectors are unit length; the
 * other embedding types are derived from them (see vectors.ts). Token counts go in the
 * `x-amzn-bedrock-input-token-count` header.
 */
import { randomUUID } from 'node:crypto';
import {
  averageVectors,
  convert,
  countTokens,
  type EmbeddingType,
  mediaKey,
  mediaVector,
  type PurposeClass,
  textVector,
  truncateTokens,
} from '../vectors.js';
import {
  decodeDataUri,
  type ImageFormat,
  type ImageInfo,
  imageTokens,
  requireImage,
  requireSize,
} from './media.js';
import type { EmulatedModel, InvokeResult } from './types.js';
import {
  array,
  at,
  enumList,
  fail,
  integerOneOf,
  type Json,
  number,
  object,
  oneOf,
  string,
} from './validation.js';

const EMBEDDING_TYPES: readonly EmbeddingType[] = ['float', 'int8', 'uint8', 'binary', 'ubinary'];
const MAX_ITEMS = 96;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** Cohere `input_type` -> the emulator's purpose class. */
const PURPOSES: Record<string, PurposeClass> = {
  search_document: 'document',
  search_query: 'query',
  classification: 'classification',
  clustering: 'clustering',
  image: 'document',
};

interface Version {
  id: string;
  v4: boolean;
  inputTypes: readonly string[];
  truncates: readonly string[];
  imageFormats: readonly ImageFormat[];
  maxImages: number;
}

/** The state of one request while it is answered. */
interface Call {
  version: Version;
  dims: number;
  purpose: PurposeClass;
  truncate: string;
  maxTokens: number;
  tokens: number;
}

/** Truncates a text to the token budget as `truncate` says, or fails when it says NONE. */
function fitText(call: Call, text: string, path: string): string {
  const tokens = countTokens(text);
  if (tokens <= call.maxTokens) {
    call.tokens += tokens;
    return text;
  }
  if (call.truncate === 'NONE') {
    fail(
      path,
      `text has ${tokens} tokens, more than the maximum of ${call.maxTokens} (set truncate to truncate it)`,
    );
  }
  call.tokens += call.maxTokens;
  const dropStart = call.truncate === 'START' || call.truncate === 'LEFT';
  return truncateTokens(text, call.maxTokens, dropStart ? 'start' : 'end');
}

/** Reads a data-URI image, returning its vector and description. */
function image(call: Call, value: unknown, path: string): { vector: number[]; info: ImageInfo } {
  const { mime, bytes } = decodeDataUri(string(value, path), path);
  requireSize(bytes, path, MAX_IMAGE_BYTES);
  const declared = mime.replace(/^image\//, '').replace('jpg', 'jpeg');
  const info = requireImage(bytes, path, call.version.imageFormats, declared);
  call.tokens += imageTokens(info);
  return { vector: mediaVector(call.version.id, mediaKey(bytes), call.dims, 'image', call.purpose), info };
}

/** One `inputs` item: text parts joined, images averaged in. */
function interleaved(call: Call, value: unknown, path: string): number[] {
  const item = object(value, path, ['content'], ['content']);
  const content = array(item.content, at(path, 'content'), { minItems: 1 });
  const texts: string[] = [];
  const vectors: number[][] = [];
  content.forEach((part, i) => {
    const partPath = at(at(path, 'content'), i);
    const kind = oneOf((part as Json | null)?.type, at(partPath, 'type'), ['text', 'image_url']);
    if (kind === 'text') {
      const p = object(part, partPath, ['type', 'text'], ['type', 'text']);
      texts.push(string(p.text, at(partPath, 'text')));
    } else {
      const p = object(part, partPath, ['type', 'image_url'], ['type', 'image_url']);
      // AWS's English page shows `image_url` as the data URI string; other renderings of it (and
      // Cohere's own API) show `{ url }`. Which one Bedrock takes is unconfirmed: accept both.
      const imagePath = at(partPath, 'image_url');
      if (typeof p.image_url === 'string') {
        vectors.push(image(call, p.image_url, imagePath).vector);
      } else {
        const url = object(p.image_url, imagePath, ['url', 'detail'], ['url']);
        vectors.push(image(call, url.url, at(imagePath, 'url')).vector);
      }
    }
  });
  if (texts.length > 0) {
    const text = fitText(call, texts.join(' '), at(path, 'content'));
    vectors.unshift(textVector(call.version.id, text, call.dims, { purpose: call.purpose }));
  }
  return averageVectors(vectors);
}

function cohereModel(version: Version): EmulatedModel {
  const keys = version.v4
    ? [
        'input_type',
        'texts',
        'images',
        'inputs',
        'embedding_types',
        'output_dimension',
        'max_tokens',
        'truncate',
      ]
    : ['input_type', 'texts', 'images', 'truncate', 'embedding_types'];
  return {
    ids: [version.id],
    sync: 'base-or-profile',
    async: 'none',
    invoke(body): InvokeResult {
      const req = object(body, '#', keys, ['input_type']);
      const inputType = oneOf(req.input_type, '#/input_type', version.inputTypes);
      const given = ['texts', 'images', 'inputs'].filter((k) => req[k] !== undefined);
      if (given.length === 0)
        fail('#', `one of [${version.v4 ? 'texts, images, inputs' : 'texts, images'}] is required`);
      if (given.length > 1) fail('#', `only one of [${given.join(', ')}] may be given in one request`);
      const types =
        req.embedding_types === undefined
          ? undefined
          : enumList(req.embedding_types, '#/embedding_types', EMBEDDING_TYPES);
      const call: Call = {
        version,
        dims:
          req.output_dimension === undefined
            ? version.v4
              ? 1536
              : 1024
            : integerOneOf(req.output_dimension, '#/output_dimension', [256, 512, 1024, 1536]),
        purpose: PURPOSES[inputType] ?? 'document',
        truncate: req.truncate === undefined ? 'NONE' : oneOf(req.truncate, '#/truncate', version.truncates),
        maxTokens: version.v4 ? 128_000 : 512,
        tokens: 0,
      };
      if (req.max_tokens !== undefined)
        call.maxTokens = number(req.max_tokens, '#/max_tokens', { min: 1, integer: true });

      const floats: number[][] = [];
      const answer: Json = { id: randomUUID() };
      if (req.texts !== undefined) {
        if (!version.v4 && inputType === 'image')
          fail('#/input_type', 'input_type image requires images, not texts');
        const texts = array(req.texts, '#/texts', { maxItems: MAX_ITEMS });
        const strings = texts.map((t, i) =>
          string(t, at('#/texts', i), version.v4 ? {} : { maxLength: 2048 }),
        );
        strings.forEach((t, i) => {
          const text = fitText(call, t, at('#/texts', i));
          floats.push(textVector(version.id, text, call.dims, { purpose: call.purpose }));
        });
        answer.texts = strings;
      } else if (req.images !== undefined) {
        if (!version.v4 && inputType !== 'image')
          fail('#/input_type', `input_type must be image when images are given, found: ${inputType}`);
        const images = array(req.images, '#/images', { minItems: 1, maxItems: version.maxImages });
        answer.images = images.map((value, i) => {
          const { vector, info } = image(call, value, at('#/images', i));
          floats.push(vector);
          return { width: info.width, height: info.height, format: info.format, bit_depth: info.bitDepth };
        });
      } else {
        const inputs = array(req.inputs, '#/inputs', { minItems: 1, maxItems: MAX_ITEMS });
        for (const [i, item] of inputs.entries()) floats.push(interleaved(call, item, at('#/inputs', i)));
        answer.inputs = inputs;
      }
      if (types === undefined) {
        Object.assign(answer, { response_type: 'embeddings_floats', embeddings: floats });
      } else {
        const byType: Record<string, number[][]> = {};
        for (const type of types) byType[type] = floats.map((v) => convert(v, type));
        Object.assign(answer, { response_type: 'embeddings_by_type', embeddings: byType });
      }
      return { body: answer, inputTokenCount: call.tokens, items: floats.length, tokens: call.tokens };
    },
  };
}

/** English and Multilingual v3 take the same body; only the id differs. */
const V3: Omit<Version, 'id'> = {
  v4: false,
  inputTypes: ['search_document', 'search_query', 'classification', 'clustering', 'image'],
  truncates: ['NONE', 'START', 'END'],
  imageFormats: ['png', 'jpeg'],
  maxImages: 1,
};

/** Cohere Embed English v3. */
export const cohereEnglishV3 = cohereModel({ id: 'cohere.embed-english-v3', ...V3 });

/** Cohere Embed Multilingual v3. */
export const cohereMultilingualV3 = cohereModel({ id: 'cohere.embed-multilingual-v3', ...V3 });

/** Cohere Embed v4. */
export const cohereV4 = cohereModel({
  id: 'cohere.embed-v4:0',
  v4: true,
  inputTypes: ['search_document', 'search_query', 'classification', 'clustering'],
  truncates: ['NONE', 'LEFT', 'RIGHT'],
  imageFormats: ['png', 'jpeg', 'webp', 'gif'],
  maxImages: MAX_ITEMS,
});
