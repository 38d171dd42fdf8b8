import { describe, expect, it } from 'vitest';
import { ServiceError, ValidationError } from '../../src/errors.js';
import { titanMultimodal } from '../../src/models/titan-multimodal.js';
import type { NormalizedInput } from '../../src/types.js';
import {
  contextFor,
  inlineImage,
  JPEG_BASE64,
  PNG_BASE64,
  paramsFor,
  pathsHolding,
  providerOptionsError,
  s3Image,
  unprotected,
  vector,
} from './helpers.js';

const mm = contextFor(titanMultimodal, 'amazon.titan-embed-image-v1');
const png = inlineImage(PNG_BASE64, { format: 'png', mediaType: 'image/png', byteLength: 70 });

describe('titanMultimodal model', () => {
  it('has the documented capabilities and a price per token and per image', () => {
    expect(mm.model.capabilities).toMatchObject({
      syncModalities: ['text', 'image'],
      asyncModalities: [],
      dimensions: { allowed: [1024, 384, 256], default: 1024 },
      maxInputsPerRequest: 1,
      normalize: false,
    });
    expect(mm.model.pricing?.perImage).toBeGreaterThan(0);
    expect(mm.model.pricing?.source).toMatch(/LiteLLM/);
  });
});

describe('titanMultimodal request bodies (AWS docs, https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-mm.html)', () => {
  it('text + image with outputEmbeddingLength 256: the documented request', () => {
    const body = titanMultimodal.toRequestBody(
      [{ text: 'string', image: png }],
      paramsFor(mm, { dimensions: 256 }),
      mm,
    );
    expect(body).toEqual({
      inputText: 'string',
      inputImage: PNG_BASE64,
      embeddingConfig: { outputEmbeddingLength: 256 },
    });
  });

  it('text only', () => {
    expect(titanMultimodal.toRequestBody([{ text: 'string' }], paramsFor(mm), mm)).toEqual({
      inputText: 'string',
      embeddingConfig: { outputEmbeddingLength: 1024 },
    });
  });

  it('image only, as plain base64 (no data: prefix)', () => {
    expect(titanMultimodal.toRequestBody([{ image: png }], paramsFor(mm, { dimensions: 384 }), mm)).toEqual({
      inputImage: PNG_BASE64,
      embeddingConfig: { outputEmbeddingLength: 384 },
    });
  });

  it('providerOptions are merged last, nested objects key by key', () => {
    const params = paramsFor(mm, {
      dimensions: 384,
      providerOptions: { embeddingConfig: { newField: 'x' } },
    });
    expect(titanMultimodal.toRequestBody([{ text: 'x' }], params, mm)).toEqual({
      inputText: 'x',
      embeddingConfig: { outputEmbeddingLength: 384, newField: 'x' },
    });
  });
});

describe('titanMultimodal responses', () => {
  it('{ embedding, inputTextTokenCount, message }', () => {
    const embedding = vector(1024);
    const parsed = titanMultimodal.fromResponseBody(
      { embedding, inputTextTokenCount: 3, message: null },
      1,
      paramsFor(mm),
      mm,
    );
    expect(parsed).toEqual({ embeddings: [embedding], inputTokens: 3 });
  });

  it('image-only responses may lack a token count', () => {
    const embedding = vector(256);
    expect(titanMultimodal.fromResponseBody({ embedding }, 1, paramsFor(mm), mm)).toEqual({
      embeddings: [embedding],
    });
  });

  it('no embedding: the error names the model and carries the model message', () => {
    const call = () =>
      titanMultimodal.fromResponseBody({ message: 'Image could not be decoded' }, 1, paramsFor(mm), mm);
    expect(call).toThrow(ServiceError);
    expect(call).toThrow(/amazon\.titan-embed-image-v1.*Image could not be decoded/);
  });

  it('non-object bodies are malformed', () => {
    expect(() => titanMultimodal.fromResponseBody('oops', 1, paramsFor(mm), mm)).toThrow(
      /Malformed response/,
    );
  });
});

describe('titanMultimodal validation', () => {
  const check = (input: NormalizedInput) => () => titanMultimodal.validateInput(input, paramsFor(mm), mm);

  it('accepts text, png, jpeg (detected from the bytes), and text + image', () => {
    expect(check({ text: 'a'.repeat(2_048) })).not.toThrow();
    expect(check({ image: png })).not.toThrow();
    expect(check({ image: inlineImage(JPEG_BASE64) })).not.toThrow();
    expect(
      check({
        text: 'a cat',
        image: inlineImage(JPEG_BASE64, { format: 'jpg', byteLength: 25 * 1024 * 1024 }),
      }),
    ).not.toThrow();
  });

  it.each([
    ['an empty input', {}, 'text', /text, an image, or both/],
    ['empty text', { text: '' }, 'text', /must not be empty/],
    [
      'text clearly over 256 tokens',
      { text: 'a'.repeat(2_049) },
      'text',
      /2,049 characters; the limit is 2,048 \(the model reads at most 256 tokens\)/,
    ],
    [
      'an image over 25 MB',
      { image: inlineImage(PNG_BASE64, { format: 'png', byteLength: 25 * 1024 * 1024 + 1 }) },
      'image',
      /26,214,401 bytes; the limit is 26,214,400/,
    ],
    [
      'a gif',
      { image: inlineImage('R0lGODlhAQABAAAAACw=') },
      'image',
      /format `gif` is not supported; use one of: png, jpeg/,
    ],
    ['a webp stated as format', { image: inlineImage(PNG_BASE64, { format: 'webp' }) }, 'image', /`webp`/],
    ['an s3 image', { image: s3Image('s3://bucket/cat.png') }, 'image', /does not read s3:\/\//],
    ['several images', { text: 'x', images: [png, png] }, 'images', /not supported/],
    [
      'audio',
      { audio: { modality: 'audio', source: { type: 'base64', data: 'AAAA' } } },
      'audio',
      /not supported/,
    ],
  ] as const)('rejects %s', (_, input, parameter, message) => {
    const call = check(input as NormalizedInput);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
    expect(call).toThrow(/amazon\.titan-embed-image-v1/);
    expect(() => call()).toThrow(expect.objectContaining({ parameter, model: mm.modelId }));
  });

  it('computes the size from the base64 length when the parser gave none', () => {
    // 34,952,540 base64 characters (no trailing padding) decode to 26,214,405 bytes: over 25 MiB.
    const big = inlineImage(PNG_BASE64 + 'A'.repeat(34_952_540 - PNG_BASE64.length), { format: 'png' });
    expect(check({ image: big })).toThrow(/26,214,405 bytes; the limit is 26,214,400 bytes/);
  });
});

describe('titanMultimodal providerOptions (checked by the engine before sending)', () => {
  const model = mm.modelId;
  it.each([
    [{ inputText: 'replaced' }, {}, 'inputText', /carries the inputs.*`inputs`/],
    [{ inputImage: PNG_BASE64 }, {}, 'inputImage', /carries the inputs/],
    [
      { embeddingConfig: { outputEmbeddingLength: 256 } },
      { dimensions: 384 },
      'embeddingConfig.outputEmbeddingLength',
      /contradicts `dimensions`/,
    ],
    // A value that is not an object replaces the whole `embeddingConfig`, the length with it.
    [
      { embeddingConfig: null },
      { dimensions: 384 },
      'embeddingConfig',
      /holds `embeddingConfig.outputEmbeddingLength`/,
    ],
  ] as const)('providerOptions %j with %j is refused at %s', (options, request, key, message) => {
    const error = providerOptionsError(model, options, request);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ model, parameter: `providerOptions.${key}` });
    expect(error?.message).toMatch(message);
  });

  it('new fields pass, nested in embeddingConfig too; the raw length passes without `dimensions`', () => {
    expect(
      providerOptionsError(model, { embeddingConfig: { newField: 1 }, other: true }, { dimensions: 384 }),
    ).toBe(undefined);
    expect(providerOptionsError(model, { embeddingConfig: { outputEmbeddingLength: 256 } })).toBeUndefined();
  });

  it('declares every body field that holds the input', () => {
    const body = titanMultimodal.toRequestBody([{ text: 'INPUT', image: png }], paramsFor(mm), mm);
    const paths = [...pathsHolding(body, 'INPUT'), ...pathsHolding(body, PNG_BASE64)];
    expect(paths).toEqual(['inputText', 'inputImage']);
    expect(unprotected(mm.model, paths)).toEqual([]);
  });
});
