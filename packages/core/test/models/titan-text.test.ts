import { describe, expect, it } from 'vitest';
import { ServiceError, ValidationError } from '../../src/errors.js';
import { titanText } from '../../src/models/titan-text.js';
import {
  contextFor,
  inlineImage,
  PNG_BASE64,
  paramsFor,
  pathsHolding,
  providerOptionsError,
  unprotected,
  vector,
} from './helpers.js';

const v1 = contextFor(titanText, 'amazon.titan-embed-text-v1');
const v2 = contextFor(titanText, 'amazon.titan-embed-text-v2:0');

describe('titanText models', () => {
  it('serves G1 (with its g1-text-02 alias) and V2 with their documented capabilities', () => {
    expect(v1.model.aliases).toEqual(['amazon.titan-embed-g1-text-02']);
    expect(v1.model.capabilities.dimensions).toEqual({ allowed: [1536], default: 1536 });
    expect(v2.model.capabilities.dimensions).toEqual({ allowed: [1024, 512, 256], default: 1024 });
    expect(v2.model.capabilities.embeddingTypes).toEqual(['binary']);
    expect(v2.model.capabilities.normalize).toBe(true);
    expect(v1.model.capabilities.normalize).toBe(false);
    for (const ctx of [v1, v2]) {
      expect(ctx.model.capabilities.maxInputsPerRequest).toBe(1);
      expect(ctx.model.capabilities.purposes).toBeUndefined();
      expect(ctx.model.pricing?.perInputToken).toBeGreaterThan(0);
    }
  });
});

describe('titanText request bodies (AWS docs, https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html)', () => {
  it('G1: { inputText } and nothing else', () => {
    const body = titanText.toRequestBody([{ text: 'string' }], paramsFor(v1), v1);
    expect(body).toEqual({ inputText: 'string' });
  });

  it('V2: the documented full request', () => {
    const params = paramsFor(v2, { dimensions: 1024, normalize: true, embeddingTypes: ['float', 'binary'] });
    expect(titanText.toRequestBody([{ text: 'string' }], params, v2)).toEqual({
      inputText: 'string',
      dimensions: 1024,
      normalize: true,
      embeddingTypes: ['float', 'binary'],
    });
  });

  it('V2: binary alone still asks for float, so embeddings stay filled', () => {
    const params = paramsFor(v2, { embeddingTypes: ['binary'] });
    expect(titanText.toRequestBody([{ text: 'string' }], params, v2)).toEqual({
      inputText: 'string',
      dimensions: 1024,
      embeddingTypes: ['float', 'binary'],
    });
  });

  it('V2: dimensions 256 and normalize false map to their fields', () => {
    const params = paramsFor(v2, { dimensions: 256, normalize: false });
    expect(titanText.toRequestBody([{ text: 'string' }], params, v2)).toEqual({
      inputText: 'string',
      dimensions: 256,
      normalize: false,
    });
  });

  it('providerOptions are merged last, verbatim: a raw field replaces the default it is not given with', () => {
    const params = paramsFor(v2, { providerOptions: { dimensions: 256, extra: { a: 1 } } });
    expect(titanText.toRequestBody([{ text: 'string' }], params, v2)).toEqual({
      inputText: 'string',
      dimensions: 256,
      extra: { a: 1 },
    });
  });

  it('refuses a batch of more than one input (one text per request)', () => {
    expect(() => titanText.toRequestBody([{ text: 'a' }, { text: 'b' }], paramsFor(v2), v2)).toThrow(
      /exactly one input/,
    );
  });
});

describe('titanText responses', () => {
  it('G1: { embedding, inputTextTokenCount }', () => {
    const embedding = vector(1536);
    const parsed = titanText.fromResponseBody({ embedding, inputTextTokenCount: 5 }, 1, paramsFor(v1), v1);
    expect(parsed).toEqual({ embeddings: [embedding], inputTokens: 5 });
  });

  it('V2: float in embedding, binary in embeddingsByType', () => {
    const embedding = vector(1024);
    const binary = embedding.map((x) => (x > 0 ? 1 : 0));
    const body = { embedding, inputTextTokenCount: 7, embeddingsByType: { binary, float: embedding } };
    const parsed = titanText.fromResponseBody(body, 1, paramsFor(v2, { embeddingTypes: ['binary'] }), v2);
    expect(parsed).toEqual({
      embeddings: [embedding],
      embeddingsByType: { binary: [binary] },
      inputTokens: 7,
    });
  });

  it('V2: embeddingsByType with float only adds no other types', () => {
    const embedding = vector(1024);
    const body = { embedding, inputTextTokenCount: 3, embeddingsByType: { float: embedding } };
    expect(titanText.fromResponseBody(body, 1, paramsFor(v2), v2)).toEqual({
      embeddings: [embedding],
      inputTokens: 3,
    });
  });

  it('V2: falls back to embeddingsByType.float when embedding is absent', () => {
    const embedding = vector(256);
    const body = { embeddingsByType: { float: embedding } };
    const parsed = titanText.fromResponseBody(body, 1, paramsFor(v2), v2);
    expect(parsed.embeddings).toEqual([embedding]);
    expect(parsed.inputTokens).toBeUndefined();
  });

  it.each([
    ['not an object', [1, 2]],
    ['no embedding', { inputTextTokenCount: 1 }],
    ['embedding of strings', { embedding: ['a'] }],
    ['empty embedding', { embedding: [] }],
    ['binary not a vector', { embedding: [0.1], embeddingsByType: { binary: 'x' } }],
  ])('malformed (%s) is a ServiceError naming the model', (_, body) => {
    const call = () => titanText.fromResponseBody(body, 1, paramsFor(v2), v2);
    expect(call).toThrow(ServiceError);
    expect(call).toThrow(/amazon\.titan-embed-text-v2:0/);
  });
});

describe('titanText validation', () => {
  const check =
    (input: Parameters<typeof titanText.validateInput>[0], ctx = v2) =>
    () =>
      titanText.validateInput(input, paramsFor(ctx), ctx);

  it('accepts text up to 50,000 characters', () => {
    expect(check({ text: 'a'.repeat(50_000) })).not.toThrow();
    expect(check({ text: 'a'.repeat(50_000) }, v1)).not.toThrow();
  });

  it.each([
    [
      'V2 text over 50,000 characters',
      { text: 'a'.repeat(50_001) },
      v2,
      'text',
      /50,001 characters; the limit is 50,000/,
    ],
    [
      'G1 text over the approximate 8,192-token ceiling',
      { text: 'a'.repeat(50_001) },
      v1,
      'text',
      /limit is 50,000/,
    ],
    ['empty text', { text: '' }, v2, 'text', /non-empty/],
    ['no text', {}, v1, 'text', /non-empty/],
    ['an image', { image: inlineImage(PNG_BASE64, { format: 'png' }) }, v2, 'image', /not supported/],
    [
      'a video',
      { text: 'x', video: { modality: 'video', source: { type: 's3', uri: 's3://b/v.mp4' } } },
      v1,
      'video',
      /not supported/,
    ],
  ] as const)('rejects %s', (_, input, ctx, parameter, message) => {
    const call = check(input, ctx);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
    expect(call).toThrow(ctx.modelId);
    expect(call).toThrow(expect.objectContaining({ code: 'VALIDATION', parameter, model: ctx.modelId }));
  });
});

describe('titanText providerOptions (checked by the engine before sending)', () => {
  it.each([
    [v1.modelId, { inputText: 'replaced' }, {}, 'inputText', /carries the inputs.*`inputs`/],
    [v2.modelId, { inputText: 'replaced' }, {}, 'inputText', /carries the inputs.*`inputs`/],
    [v2.modelId, { inputText: undefined }, {}, 'inputText', /carries the inputs/],
    [v2.modelId, { dimensions: 256 }, { dimensions: 512 }, 'dimensions', /contradicts `dimensions`/],
    [v2.modelId, { normalize: true }, { normalize: false }, 'normalize', /contradicts `normalize`/],
    [
      v2.modelId,
      { embeddingTypes: ['binary'] },
      { embeddingTypes: ['binary'] },
      'embeddingTypes',
      /contradicts `embeddingTypes`/,
    ],
  ] as const)('%s: providerOptions %j with %j is refused at %s', (model, options, request, key, message) => {
    const error = providerOptionsError(model, options, request as never);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ model, parameter: `providerOptions.${key}` });
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(model);
  });

  it('raw fields the request does not also give, and new fields, pass', () => {
    expect(
      providerOptionsError(v2.modelId, { dimensions: 256, normalize: false, newField: 1 }),
    ).toBeUndefined();
    expect(providerOptionsError(v1.modelId, { newField: { a: 1 } })).toBeUndefined();
  });

  it('declares every body field that holds the input', () => {
    for (const ctx of [v1, v2]) {
      const body = titanText.toRequestBody([{ text: 'INPUT' }], paramsFor(ctx), ctx);
      expect(pathsHolding(body, 'INPUT')).toEqual(['inputText']);
      expect(unprotected(ctx.model, pathsHolding(body, 'INPUT'))).toEqual([]);
    }
  });
});
