/**
 * Titan Text v1/v2 and Titan Multimodal through the real Bedrock Runtime SDK client: bodies from AWS's
 * documentation examples, response shapes, vectors against expectedEmbedding, and invalid bodies.
 */
import { describe, expect, it } from 'vitest';
import { expectedEmbedding } from '../src/index.js';
import { b64, gif, jpeg, norm, png, useEmulator } from './models-fixtures.js';

const { invoke, invokeError, emulator } = useEmulator();
const V1 = 'amazon.titan-embed-text-v1';
const V2 = 'amazon.titan-embed-text-v2:0';
const MM = 'amazon.titan-embed-image-v1';

describe('Titan Text Embeddings G1', () => {
  it('answers { embedding, inputTextTokenCount } with 1536 raw dimensions', async () => {
    const { body, headers } = await invoke(V1, {
      inputText: 'What are the different services that you offer?',
    });
    expect(Object.keys(body).sort()).toEqual(['embedding', 'inputTextTokenCount']);
    const embedding = body.embedding as number[];
    expect(embedding).toHaveLength(1536);
    expect(embedding).toEqual(expectedEmbedding(V1, 'What are the different services that you offer?'));
    expect(norm(embedding)).toBeGreaterThan(1.5); // G1 does not normalise
    // The emulator's tokenizer: 6 short words, "different" and "services" (2 each: 6 letters a token), "?".
    expect(body.inputTextTokenCount).toBe(11);
    expect(headers['x-amzn-bedrock-input-token-count']).toBe('11');
  });

  it('serves the G1 alias id with the same vectors', async () => {
    const { body } = await invoke('amazon.titan-embed-g1-text-02', { inputText: 'hello world' });
    expect(body.embedding).toEqual(expectedEmbedding(V1, 'hello world'));
  });
});

describe('Titan Text Embeddings V2', () => {
  it('defaults to 1024 normalised dimensions with embeddingsByType.float', async () => {
    const { body } = await invoke(V2, { inputText: 'hello world' });
    expect(Object.keys(body).sort()).toEqual(['embedding', 'embeddingsByType', 'inputTextTokenCount']);
    const embedding = body.embedding as number[];
    expect(embedding).toHaveLength(1024);
    expect(norm(embedding)).toBeCloseTo(1, 6);
    expect(body.embeddingsByType).toEqual({ float: embedding });
    expect(embedding).toEqual(expectedEmbedding(V2, 'hello world'));
    expect(embedding).toEqual(emulator().expectedEmbedding(V2, 'hello world'));
    expect(body.inputTextTokenCount).toBe(2);
  });

  it.each([256, 512, 1024])('honours dimensions %i', async (dimensions) => {
    const { body } = await invoke(V2, { inputText: 'hello world', dimensions, normalize: true });
    expect(body.embedding).toHaveLength(dimensions);
    expect(body.embedding).toEqual(expectedEmbedding(V2, 'hello world', { dimensions }));
  });

  it('returns float and binary (0/1 per dimension) as in the documented example', async () => {
    const { body } = await invoke(V2, {
      inputText: 'What are the different services that you offer?',
      dimensions: 512,
      normalize: true,
      embeddingTypes: ['float', 'binary'],
    });
    const byType = body.embeddingsByType as { float: number[]; binary: number[] };
    expect(byType.float).toEqual(body.embedding);
    expect(byType.binary).toHaveLength(512);
    expect(byType.binary).toEqual(byType.float.map((x) => (x > 0 ? 1 : 0)));
    expect(byType.binary).toEqual(
      expectedEmbedding(V2, 'What are the different services that you offer?', {
        dimensions: 512,
        embeddingType: 'binary',
      }),
    );
  });

  it('returns the raw vector, same direction, when normalize is false', async () => {
    const text = 'Amazon Bedrock makes foundation models available through an API';
    const raw = (await invoke(V2, { inputText: text, normalize: false })).body.embedding as number[];
    const unit = expectedEmbedding(V2, text);
    expect(raw).toEqual(expectedEmbedding(V2, text, { normalize: false }));
    expect(norm(raw)).toBeGreaterThan(1.5);
    const gap = Math.max(...raw.map((x, i) => Math.abs(x / norm(raw) - (unit[i] as number))));
    expect(gap).toBeLessThan(1e-6);
  });
});

describe('Titan Multimodal Embeddings G1', () => {
  const image = png(64, 48, 7);

  it('embeds a text with 1024 dimensions by default', async () => {
    const { body } = await invoke(MM, { inputText: 'a red bicycle' });
    expect(Object.keys(body).sort()).toEqual(['embedding', 'inputTextTokenCount', 'message']);
    expect(body.embedding).toEqual(expectedEmbedding(MM, 'a red bicycle'));
    expect(body.inputTextTokenCount).toBe(4); // a, red, bicycle (7 letters: 2 tokens)
    expect(norm(body.embedding as number[])).toBeCloseTo(1, 6);
  });

  it.each([256, 384, 1024])('embeds an image with outputEmbeddingLength %i', async (length) => {
    const { body } = await invoke(MM, {
      inputImage: b64(image),
      embeddingConfig: { outputEmbeddingLength: length },
    });
    expect(body.embedding).toHaveLength(length);
    expect(body.embedding).toEqual(expectedEmbedding(MM, { image }, { dimensions: length }));
    expect(body.inputTextTokenCount).toBe(0);
  });

  it('averages text and image (documented example body) and accepts JPEG', async () => {
    const photo = jpeg(640, 480);
    const { body } = await invoke(MM, {
      inputText: 'a photo of a cat',
      inputImage: b64(photo),
      embeddingConfig: { outputEmbeddingLength: 256 },
    });
    const expected = expectedEmbedding(MM, { text: 'a photo of a cat', image: photo }, { dimensions: 256 });
    expect(body.embedding).toEqual(expected);
    const text = expectedEmbedding(MM, 'a photo of a cat', { dimensions: 256 });
    const alone = expectedEmbedding(MM, { image: photo }, { dimensions: 256 });
    const mean = text.map((x, i) => x + (alone[i] as number));
    const gap = Math.max(...expected.map((x, i) => Math.abs(x - (mean[i] as number) / norm(mean))));
    expect(gap).toBeLessThan(1e-6);
  });
});

describe('Titan invalid bodies', () => {
  const cases: Array<[string, string, unknown, string]> = [
    [
      'an unknown key',
      V2,
      { inputText: 'hi', foo: 1 },
      'Malformed input request: #: extraneous key [foo] is not permitted, please reformat your input and try again.',
    ],
    [
      'a dimension the model lacks',
      V2,
      { inputText: 'hi', dimensions: 300 },
      '#/dimensions: 300 is not a valid enum value',
    ],
    ['a missing inputText', V2, { dimensions: 256 }, '#: required key [inputText] not found'],
    ['an empty inputText', V2, { inputText: '' }, '#/inputText: expected minLength: 1, actual: 0'],
    [
      'more than 50,000 characters',
      V2,
      { inputText: 'a'.repeat(50_001) },
      'expected maxLength: 50000, actual: 50001',
    ],
    [
      'an embedding type Titan lacks',
      V2,
      { inputText: 'hi', embeddingTypes: ['int8'] },
      '#/embeddingTypes/0: int8 is not a valid enum value',
    ],
    [
      'a string dimension',
      V2,
      { inputText: 'hi', dimensions: '256' },
      '#/dimensions: expected type: Integer, found: String',
    ],
    [
      'dimensions given to G1',
      V1,
      { inputText: 'hi', dimensions: 256 },
      'extraneous key [dimensions] is not permitted',
    ],
    [
      'an image given to a text-only model',
      V1,
      { inputText: 'hi', inputImage: b64(png(2, 2)) },
      'extraneous key [inputImage]',
    ],
    [
      'more than 8,192 tokens',
      V1,
      { inputText: 'word '.repeat(8193) },
      'Too many input tokens. Max input tokens: 8192',
    ],
    [
      'neither text nor image',
      MM,
      { embeddingConfig: { outputEmbeddingLength: 256 } },
      'at least one of [inputText, inputImage] is required',
    ],
    [
      'an output length the model lacks',
      MM,
      { inputText: 'hi', embeddingConfig: { outputEmbeddingLength: 512 } },
      'outputEmbeddingLength: 512 is not a valid enum value',
    ],
    [
      'bytes that are no image',
      MM,
      { inputImage: b64(new Uint8Array([1, 2, 3, 4, 5, 6])) },
      'image data is not a valid png, jpeg image',
    ],
    ['a GIF', MM, { inputImage: b64(gif()) }, 'image format gif is not supported'],
    [
      'an image over 2048 pixels',
      MM,
      { inputImage: b64(jpeg(4096, 100)) },
      'exceeds the maximum of 2048x2048 pixels',
    ],
    ['invalid base64', MM, { inputImage: 'not base64!' }, '#/inputImage: string is not valid base64'],
    [
      'a data URL instead of plain base64',
      MM,
      { inputImage: `data:image/png;base64,${b64(png(2, 2))}` },
      'not valid base64',
    ],
    ['text over 256 tokens', MM, { inputText: 'word '.repeat(257) }, 'Max input tokens: 256'],
  ];
  it.each(cases)('rejects %s', async (_, model, body, message) => {
    const error = await invokeError(model, body);
    expect(error.name).toBe('ValidationException');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });
});
