import { describe, expect, it } from 'vitest';
import { planRequests } from '../../src/embed/plan.js';
import { ServiceError, ValidationError } from '../../src/errors.js';
import { cohere } from '../../src/models/cohere.js';
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

const english = contextFor(cohere, 'cohere.embed-english-v3');
const multilingual = contextFor(cohere, 'cohere.embed-multilingual-v3');
const v4 = contextFor(cohere, 'cohere.embed-v4:0');
const png = inlineImage(PNG_BASE64, { format: 'png', mediaType: 'image/png', byteLength: 70 });
const PNG_URI = `data:image/png;base64,${PNG_BASE64}`;

describe('cohere models', () => {
  it('has the documented capabilities', () => {
    for (const ctx of [english, multilingual, v4]) {
      expect(ctx.model.capabilities).toMatchObject({
        maxInputsPerRequest: 96,
        purposes: ['document', 'query', 'classification', 'clustering'],
        defaultPurpose: 'document',
        embeddingTypes: ['int8', 'uint8', 'binary', 'ubinary'],
        truncate: ['none', 'start', 'end'],
        normalize: false,
      });
    }
    expect(english.model.capabilities.dimensions).toEqual({ allowed: [1024], default: 1024 });
    expect(v4.model.capabilities.dimensions).toEqual({ allowed: [1536, 1024, 512, 256], default: 1536 });
    expect(v4.model.aliases).toEqual(['cohere.embed-v4']);
  });
});

describe('cohere v3 request bodies (AWS docs, https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html)', () => {
  it('texts: the documented request', () => {
    const params = paramsFor(english, {
      purpose: 'document',
      truncate: 'none',
      embeddingTypes: ['float', 'int8'],
    });
    expect(cohere.toRequestBody([{ text: 'string' }, { text: '...' }], params, english)).toEqual({
      input_type: 'search_document',
      texts: ['string', '...'],
      truncate: 'NONE',
      embedding_types: ['float', 'int8'],
    });
  });

  it('image: the documented request (input_type image, a data URI)', () => {
    const params = paramsFor(multilingual, { embeddingTypes: ['float'] });
    expect(cohere.toRequestBody([{ image: png }], params, multilingual)).toEqual({
      input_type: 'image',
      images: [PNG_URI],
      embedding_types: ['float'],
    });
  });

  it('an image is sent as `image` whatever the purpose, with a MIME type detected from the bytes', () => {
    const params = paramsFor(english, { purpose: 'query' });
    expect(cohere.toRequestBody([{ image: inlineImage(JPEG_BASE64) }], params, english)).toEqual({
      input_type: 'image',
      images: [`data:image/jpeg;base64,${JPEG_BASE64}`],
    });
  });

  it('no purpose: input_type defaults to search_document', () => {
    expect(cohere.toRequestBody([{ text: 'a' }], paramsFor(english), english)).toEqual({
      input_type: 'search_document',
      texts: ['a'],
    });
  });

  it.each([
    ['query', 'search_query'],
    ['classification', 'classification'],
    ['clustering', 'clustering'],
  ] as const)('purpose %s -> input_type %s', (purpose, inputType) => {
    expect(cohere.toRequestBody([{ text: 'a' }], paramsFor(english, { purpose }), english)).toEqual({
      input_type: inputType,
      texts: ['a'],
    });
  });

  it.each([
    ['start', 'START'],
    ['end', 'END'],
  ] as const)('truncate %s -> %s', (truncate, wire) => {
    expect(cohere.toRequestBody([{ text: 'a' }], paramsFor(english, { truncate }), english)).toEqual({
      input_type: 'search_document',
      texts: ['a'],
      truncate: wire,
    });
  });

  it('float is asked for once, first, with the other types; providerOptions are merged last', () => {
    const params = paramsFor(english, {
      embeddingTypes: ['ubinary', 'float', 'ubinary'],
      providerOptions: { input_type: 'clustering' },
    });
    expect(cohere.toRequestBody([{ text: 'a' }], params, english)).toEqual({
      input_type: 'clustering',
      texts: ['a'],
      embedding_types: ['float', 'ubinary'],
    });
  });

  it('refuses a request with two images (v3 takes one per call)', () => {
    expect(() => cohere.toRequestBody([{ image: png }, { image: png }], paramsFor(english), english)).toThrow(
      /one image per request/,
    );
  });

  it('refuses a request that mixes texts and images', () => {
    expect(() => cohere.toRequestBody([{ text: 'a' }, { image: png }], paramsFor(english), english)).toThrow(
      /mix/,
    );
  });
});

describe('cohere v4 request bodies (AWS docs, https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v4.html)', () => {
  const page = { text: 'Quarterly ARR growth chart; outlier in Q3.', image: png };
  const documented = {
    input_type: 'search_document',
    inputs: [
      {
        content: [
          { type: 'text', text: 'Quarterly ARR growth chart; outlier in Q3.' },
          { type: 'image_url', image_url: { url: PNG_URI } },
        ],
      },
    ],
    embedding_types: ['int8'],
    output_dimension: 512,
    truncate: 'RIGHT',
    max_tokens: 128000,
  };

  it('interleaved page: the documented request, with float asked for as well', () => {
    const params = paramsFor(v4, {
      dimensions: 512,
      truncate: 'end',
      embeddingTypes: ['int8'],
      providerOptions: { max_tokens: 128000 },
    });
    expect(cohere.toRequestBody([page], params, v4)).toEqual({
      ...documented,
      embedding_types: ['float', 'int8'],
    });
  });

  it('interleaved page: providerOptions reproduce the documented request exactly', () => {
    const params = paramsFor(v4, {
      dimensions: 512,
      truncate: 'end',
      providerOptions: { max_tokens: 128000, embedding_types: ['int8'] },
    });
    expect(cohere.toRequestBody([page], params, v4)).toEqual(documented);
  });

  it('texts with output_dimension 256 (the recorded AWS request)', () => {
    const body = cohere.toRequestBody(
      [{ text: 'hello' }, { text: 'world' }],
      paramsFor(v4, { dimensions: 256 }),
      v4,
    );
    expect(body).toEqual({ input_type: 'search_document', texts: ['hello', 'world'], output_dimension: 256 });
  });

  it('images batched in `images`, with the purpose as input_type and the default 1536 dimensions', () => {
    const webp = inlineImage('UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=');
    const body = cohere.toRequestBody(
      [{ image: png }, { image: webp }],
      paramsFor(v4, { purpose: 'query' }),
      v4,
    );
    expect(body).toEqual({
      input_type: 'search_query',
      images: [
        PNG_URI,
        'data:image/webp;base64,UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=',
      ],
      output_dimension: 1536,
    });
  });

  it('one text with several images becomes one `inputs` item; truncate start -> LEFT', () => {
    const params = paramsFor(v4, { truncate: 'start', purpose: 'classification' });
    expect(
      cohere.toRequestBody([{ text: 'two pages', images: [png, png] }, { images: [png] }], params, v4),
    ).toEqual({
      input_type: 'classification',
      inputs: [
        {
          content: [
            { type: 'text', text: 'two pages' },
            { type: 'image_url', image_url: { url: PNG_URI } },
            { type: 'image_url', image_url: { url: PNG_URI } },
          ],
        },
        { content: [{ type: 'image_url', image_url: { url: PNG_URI } }] },
      ],
      truncate: 'LEFT',
      output_dimension: 1536,
    });
  });

  it('truncate none -> NONE', () => {
    expect(cohere.toRequestBody([{ text: 'a' }], paramsFor(v4, { truncate: 'none' }), v4)).toMatchObject({
      truncate: 'NONE',
    });
  });
});

describe('cohere batching (with the engine planner)', () => {
  const texts = Array.from({ length: 100 }, (_, i) => ({ text: `t${i}` }));

  it('v3: 96 texts per request, each image alone', () => {
    const inputs = [...texts, { image: png }, { image: png }];
    const plan = planRequests(inputs, english.model.capabilities);
    expect(plan.map((request) => request.inputs.length)).toEqual([96, 4, 1, 1]);
    for (const request of plan)
      expect(() => cohere.toRequestBody(request.inputs, paramsFor(english), english)).not.toThrow();
  });

  it('v4: texts, images and interleaved inputs each batch only with their own kind', () => {
    const inputs = [{ image: png }, { text: 'a' }, { text: 'p', image: png }, { image: png }, { text: 'b' }];
    const plan = planRequests(inputs, v4.model.capabilities);
    expect(plan.map((request) => request.indices)).toEqual([[0, 3], [1, 4], [2]]);
    const bodies = plan.map((request) => cohere.toRequestBody(request.inputs, paramsFor(v4), v4));
    expect(
      bodies.map((body) => Object.keys(body).find((key) => ['texts', 'images', 'inputs'].includes(key))),
    ).toEqual(['images', 'texts', 'inputs']);
  });

  it('v4 keeps each request within its ~20 MB payload limit', () => {
    const fourMb = inlineImage(PNG_BASE64 + 'A'.repeat(5_333_000), { format: 'png' });
    const plan = planRequests(
      Array.from({ length: 8 }, () => ({ image: fourMb })),
      v4.model.capabilities,
    );
    expect(plan.map((request) => request.inputs.length)).toEqual([3, 3, 2]);
  });
});

describe('cohere responses', () => {
  const two = [vector(1024, 1), vector(1024, 2)];

  it('embeddings_floats: a list of vectors', () => {
    const body = { id: '2f4d', response_type: 'embeddings_floats', embeddings: two, texts: ['a', 'b'] };
    expect(cohere.fromResponseBody(body, 2, paramsFor(english), english)).toEqual({ embeddings: two });
  });

  it('embeddings_by_type: float in embeddings, int8 in embeddingsByType', () => {
    const int8 = [
      [12, -3, 4],
      [7, -3, 1],
    ];
    const body = {
      id: '2f4d',
      response_type: 'embeddings_by_type',
      embeddings: { float: two, int8 },
      texts: ['a', 'b'],
    };
    expect(
      cohere.fromResponseBody(body, 2, paramsFor(english, { embeddingTypes: ['int8'] }), english),
    ).toEqual({
      embeddings: two,
      embeddingsByType: { int8 },
    });
  });

  it('embeddings_by_type with float only (the recorded v4 answer to a request without embedding_types)', () => {
    const floats = [vector(256, 1), vector(256, 2)];
    const body = {
      id: 'x',
      response_type: 'embeddings_by_type',
      embeddings: { float: floats },
      texts: ['hello', 'world'],
    };
    expect(cohere.fromResponseBody(body, 2, paramsFor(v4, { dimensions: 256 }), v4)).toEqual({
      embeddings: floats,
    });
  });

  it('reads billed input tokens from meta when present', () => {
    const body = { embeddings: two, meta: { billed_units: { input_tokens: 9 } } };
    expect(cohere.fromResponseBody(body, 2, paramsFor(english), english)).toEqual({
      embeddings: two,
      inputTokens: 9,
    });
  });

  it.each([
    ['not an object', null, /expected a JSON object/],
    ['no embeddings', { id: 'x' }, /no `embeddings`/],
    ['too few vectors', { embeddings: [two[0]] }, /expected 2 vectors in `embeddings`/],
    ['a row that is not a vector', { embeddings: [two[0], 'x'] }, /expected 2 vectors/],
    ['a short by-type list', { embeddings: { float: two, int8: [[1]] } }, /`embeddings\.int8`/],
    ['by-type without float', { embeddings: { int8: [[1], [2]] } }, /no `float` embeddings/],
  ])('malformed (%s) is a ServiceError naming the model', (_, body, message) => {
    const call = () => cohere.fromResponseBody(body, 2, paramsFor(v4), v4);
    expect(call).toThrow(ServiceError);
    expect(call).toThrow(message);
    expect(call).toThrow(/cohere\.embed-v4:0/);
  });
});

describe('cohere validation', () => {
  const check =
    (input: NormalizedInput, ctx = english) =>
    () =>
      cohere.validateInput(input, paramsFor(ctx), ctx);
  const gif = inlineImage('R0lGODlhAQABAAAAACw=');
  const webp = inlineImage('UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=', {
    format: 'webp',
  });

  it('accepts what each version documents', () => {
    expect(check({ text: 'a'.repeat(2_048) })).not.toThrow();
    expect(check({ text: '' })).not.toThrow();
    expect(
      check({ image: inlineImage(JPEG_BASE64, { byteLength: 5 * 1024 * 1024 }) }, multilingual),
    ).not.toThrow();
    expect(check({ text: 'a'.repeat(10_000) }, v4)).not.toThrow();
    expect(check({ image: gif }, v4)).not.toThrow();
    expect(check({ text: 'page', images: [png, webp] }, v4)).not.toThrow();
  });

  it.each([
    [
      'v3 text over 2,048 characters',
      english,
      { text: 'a'.repeat(2_049) },
      'text',
      /2,049 characters; the limit is 2,048/,
    ],
    ['v3 text + image', english, { text: 'a', image: png }, 'image', /not both/],
    ['v3 several images', multilingual, { images: [png] }, 'images', /needs v4/],
    ['v3 gif', english, { image: gif }, 'image', /format `gif` is not supported; use one of: png, jpeg/],
    ['v3 webp', english, { image: webp }, 'image', /`webp`/],
    [
      'v3 image over 5 MB',
      english,
      { image: inlineImage(PNG_BASE64, { format: 'png', byteLength: 5 * 1024 * 1024 + 1 }) },
      'image',
      /5,242,881 bytes; the limit is 5,242,880 bytes/,
    ],
    ['v3 s3 image', english, { image: s3Image('s3://bucket/a.png') }, 'image', /does not read s3:\/\//],
    ['v4 s3 image', v4, { image: s3Image('s3://bucket/a.png') }, 'image', /does not read s3:\/\//],
    [
      'v4 bmp',
      v4,
      { image: inlineImage(PNG_BASE64, { format: 'bmp' }) },
      'image',
      /use one of: png, jpeg, webp, gif/,
    ],
    [
      'v4 image over 5 MB in images',
      v4,
      {
        text: 'p',
        images: [png, inlineImage(PNG_BASE64, { format: 'png', byteLength: 5 * 1024 * 1024 + 1 })],
      },
      'images',
      /limit is 5,242,880/,
    ],
    [
      'an image of unknown format',
      v4,
      { image: inlineImage('AAAAAAAAAAAAAAAA') },
      'image',
      /cannot tell the image format/,
    ],
    ['an empty input', v4, {}, 'text', /needs a text or an image/],
    [
      'video',
      v4,
      { video: { modality: 'video', source: { type: 's3', uri: 's3://b/v.mp4' } } },
      'video',
      /not supported/,
    ],
  ] as const)('rejects %s', (_, ctx, input, parameter, message) => {
    const call = check(input as NormalizedInput, ctx);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(message);
    expect(call).toThrow(ctx.modelId);
    expect(call).toThrow(expect.objectContaining({ code: 'VALIDATION', parameter, model: ctx.modelId }));
  });

  it('a purpose the model has no input_type for is a ValidationError when building the body', () => {
    const call = () =>
      cohere.toRequestBody([{ text: 'a' }], paramsFor(v4, { purpose: 'video-retrieval' }), v4);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(/video-retrieval/);
  });
});

describe('cohere providerOptions (checked by the engine before sending)', () => {
  it.each([
    [english.modelId, { texts: ['replaced'] }, {}, 'texts', /carries the inputs.*`inputs`/],
    [multilingual.modelId, { images: [PNG_URI] }, {}, 'images', /carries the inputs/],
    [v4.modelId, { inputs: [] }, {}, 'inputs', /carries the inputs/],
    [v4.modelId, { texts: undefined }, {}, 'texts', /carries the inputs/],
    [
      english.modelId,
      { input_type: 'search_query' },
      { purpose: 'document' },
      'input_type',
      /contradicts `purpose`/,
    ],
    [v4.modelId, { truncate: 'LEFT' }, { truncate: 'end' }, 'truncate', /contradicts `truncate`/],
    [
      v4.modelId,
      { embedding_types: ['int8'] },
      { embeddingTypes: ['int8'] },
      'embedding_types',
      /contradicts `embeddingTypes`/,
    ],
    [
      v4.modelId,
      { output_dimension: 256 },
      { dimensions: 512 },
      'output_dimension',
      /contradicts `dimensions`/,
    ],
    [`us.${v4.modelId}`, { texts: ['x'] }, {}, 'texts', /carries the inputs/],
  ] as const)('%s: providerOptions %j with %j is refused at %s', (model, options, request, key, message) => {
    const error = providerOptionsError(model, options, request as never);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ model, parameter: `providerOptions.${key}` });
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain(model);
  });

  it('model-specific and raw fields the request does not also give pass', () => {
    expect(
      providerOptionsError(v4.modelId, { max_tokens: 128000 }, { dimensions: 512, truncate: 'end' }),
    ).toBe(undefined);
    expect(
      providerOptionsError(v4.modelId, { output_dimension: 256, input_type: 'clustering' }),
    ).toBeUndefined();
  });

  it('declares every body field that holds an input, for texts, images and interleaved inputs', () => {
    const cases: [typeof english, NormalizedInput[]][] = [
      [english, [{ text: 'INPUT' }, { text: 'INPUT 2' }]],
      [english, [{ image: png }]],
      [v4, [{ image: png }]],
      [v4, [{ text: 'INPUT', image: png }]],
    ];
    for (const [ctx, batch] of cases) {
      const body = cohere.toRequestBody(batch, paramsFor(ctx), ctx);
      const paths = [...pathsHolding(body, 'INPUT'), ...pathsHolding(body, PNG_BASE64)];
      expect(paths.length).toBeGreaterThan(0);
      expect(unprotected(ctx.model, paths)).toEqual([]);
    }
  });
});
