/**
 * Cohere Embed English v3, Multilingual v3 and v4 through the real Bedrock Runtime SDK client: the
 * documented request bodies, both response shapes, derived embedding types and invalid bodies.
 */
import { describe, expect, it } from 'vitest';
import { expectedEmbedding } from '../src/index.js';
import { b64, cosine, gif, jpeg, norm, png, useEmulator, webp } from './models-fixtures.js';

const { invoke, invokeError } = useEmulator();
const EN = 'cohere.embed-english-v3';
const ML = 'cohere.embed-multilingual-v3';
const V4 = 'cohere.embed-v4:0';
const dataUri = (bytes: Uint8Array, mime = 'image/png') => `data:${mime};base64,${b64(bytes)}`;

describe('Cohere Embed v3', () => {
  it.each([EN, ML])('%s answers embeddings_floats for texts without embedding_types', async (model) => {
    const texts = ['Paris is the capital of France.', 'Bananas are yellow.'];
    const { body, headers } = await invoke(model, { input_type: 'search_document', texts, truncate: 'NONE' });
    expect(body.response_type).toBe('embeddings_floats');
    expect(typeof body.id).toBe('string');
    expect(body.texts).toEqual(texts);
    const embeddings = body.embeddings as number[][];
    expect(embeddings).toHaveLength(2);
    embeddings.forEach((e, i) => {
      expect(e).toHaveLength(1024);
      expect(norm(e)).toBeCloseTo(1, 6);
      expect(e).toEqual(expectedEmbedding(model, texts[i] as string, { purpose: 'search_document' }));
    });
    // Paris is the capital(2) of France . = 8; Bananas(2) are yellow . = 5 (6 letters a token)
    expect(headers['x-amzn-bedrock-input-token-count']).toBe('13');
  });

  it('answers embeddings_by_type with every derived type (documented body with embedding_types)', async () => {
    const { body } = await invoke(EN, {
      input_type: 'search_query',
      texts: ['What is the capital of France?'],
      embedding_types: ['float', 'int8', 'uint8', 'binary', 'ubinary'],
    });
    expect(body.response_type).toBe('embeddings_by_type');
    const e = body.embeddings as Record<string, number[][]>;
    const float = e.float?.[0] as number[];
    expect(float).toEqual(expectedEmbedding(EN, 'What is the capital of France?', { purpose: 'query' }));
    const scale = 127 / Math.max(...float.map(Math.abs));
    const int8 = float.map((x) => Math.round(x * scale) + 0); // + 0: JSON has no -0
    expect(e.int8?.[0]).toEqual(int8);
    expect(Math.max(...int8.map(Math.abs))).toBe(127);
    expect(e.uint8?.[0]).toEqual(int8.map((x) => x + 128));
    const ubinary = e.ubinary?.[0] as number[];
    expect(ubinary).toHaveLength(128);
    const bits = float.map((_, i) => ((ubinary[i >> 3] as number) >> (7 - (i & 7))) & 1);
    expect(bits).toEqual(float.map((x) => (x > 0 ? 1 : 0)));
    expect(e.binary?.[0]).toEqual(ubinary.map((x) => x - 128));
    for (const type of ['int8', 'uint8', 'binary', 'ubinary'] as const) {
      expect(e[type]?.[0]).toEqual(
        expectedEmbedding(EN, 'What is the capital of France?', { purpose: 'query', embeddingType: type }),
      );
    }
  });

  it('gives similar but different vectors for search_query and search_document', async () => {
    const text = 'hybrid search with embeddings';
    const query = (await invoke(EN, { input_type: 'search_query', texts: [text] })).body
      .embeddings as number[][];
    const doc = (await invoke(EN, { input_type: 'search_document', texts: [text] })).body
      .embeddings as number[][];
    expect(query[0]).not.toEqual(doc[0]);
    expect(cosine(query[0] as number[], doc[0] as number[])).toBeGreaterThan(0.9);
  });

  it.each(['classification', 'clustering'])('accepts input_type %s', async (inputType) => {
    const { body } = await invoke(ML, { input_type: inputType, texts: ['Bonjour le monde'] });
    expect((body.embeddings as number[][])[0]).toEqual(
      expectedEmbedding(ML, 'Bonjour le monde', { purpose: inputType }),
    );
  });

  it('embeds one image (documented image variant) and describes it', async () => {
    const image = png(640, 480, 3);
    const { body } = await invoke(EN, {
      input_type: 'image',
      images: [dataUri(image)],
      embedding_types: ['float'],
    });
    expect(body.response_type).toBe('embeddings_by_type');
    expect(body.images).toEqual([{ width: 640, height: 480, format: 'png', bit_depth: 8 }]);
    expect((body.embeddings as { float: number[][] }).float[0]).toEqual(expectedEmbedding(EN, { image }));
  });

  it('truncates with END and START, and counts the tokens kept', async () => {
    const long = `${'ab '.repeat(300)}${'cd '.repeat(300)}`; // 600 tokens, 1,800 characters
    const end = await invoke(EN, { input_type: 'search_document', texts: [long], truncate: 'END' });
    const start = await invoke(EN, { input_type: 'search_document', texts: [long], truncate: 'START' });
    expect((end.body.embeddings as number[][])[0]).toEqual(expectedEmbedding(EN, long, { truncate: 'END' }));
    expect((end.body.embeddings as number[][])[0]).toEqual(
      expectedEmbedding(EN, 'ab '.repeat(300) + 'cd '.repeat(212)),
    );
    expect((start.body.embeddings as number[][])[0]).toEqual(
      expectedEmbedding(EN, 'ab '.repeat(212) + 'cd '.repeat(300), { truncate: 'START' }),
    );
    expect(end.headers['x-amzn-bedrock-input-token-count']).toBe('512');
  });
});

describe('Cohere Embed v4', () => {
  it.each([256, 512, 1024, 1536])('honours output_dimension %i', async (dimensions) => {
    const { body } = await invoke(V4, {
      input_type: 'search_document',
      texts: ['hello', 'world'],
      output_dimension: dimensions,
    });
    const embeddings = body.embeddings as number[][];
    expect(embeddings.map((e) => e.length)).toEqual([dimensions, dimensions]);
    expect(embeddings[1]).toEqual(expectedEmbedding(V4, 'world', { dimensions }));
  });

  it('defaults to 1536 dimensions', async () => {
    const { body } = await invoke(V4, { input_type: 'search_query', texts: ['hello'] });
    expect((body.embeddings as number[][])[0]).toEqual(expectedEmbedding(V4, 'hello', { purpose: 'query' }));
    expect((body.embeddings as number[][])[0]).toHaveLength(1536);
  });

  it('embeds several images of every supported format', async () => {
    const images = [png(10, 10), jpeg(20, 30), webp(40, 50), gif()];
    const mimes = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
    const { body } = await invoke(V4, {
      input_type: 'search_document',
      images: images.map((img, i) => dataUri(img, mimes[i])),
      output_dimension: 256,
    });
    const embeddings = body.embeddings as number[][];
    expect(embeddings).toHaveLength(4);
    expect(embeddings).toEqual(images.map((image) => expectedEmbedding(V4, { image }, { dimensions: 256 })));
    expect((body.images as Array<{ format: string }>).map((d) => d.format)).toEqual([
      'png',
      'jpeg',
      'webp',
      'gif',
    ]);
  });

  it('embeds the documented interleaved inputs example with int8', async () => {
    const page = png(100, 80, 9);
    const { body } = await invoke(V4, {
      input_type: 'search_document',
      inputs: [
        {
          content: [
            { type: 'text', text: 'Quarterly ARR growth chart; outlier in Q3.' },
            { type: 'image_url', image_url: { url: dataUri(page) } },
          ],
        },
      ],
      embedding_types: ['int8'],
      output_dimension: 512,
      truncate: 'RIGHT',
      max_tokens: 128000,
    });
    expect(body.response_type).toBe('embeddings_by_type');
    expect((body.embeddings as { int8: number[][] }).int8[0]).toEqual(
      expectedEmbedding(
        V4,
        { text: 'Quarterly ARR growth chart; outlier in Q3.', image: page },
        { dimensions: 512, embeddingType: 'int8' },
      ),
    );
    expect(body.inputs).toHaveLength(1);
  });

  it('accepts image_url as a data URI string (AWS page) and as { url } (Cohere API), with one vector', async () => {
    const page = png(64, 48, 4);
    const answers = [];
    for (const image_url of [dataUri(page), { url: dataUri(page) }]) {
      const { body } = await invoke(V4, {
        input_type: 'search_document',
        inputs: [
          {
            content: [
              { type: 'text', text: 'a chart' },
              { type: 'image_url', image_url },
            ],
          },
        ],
      });
      answers.push((body.embeddings as number[][])[0]);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toEqual(expectedEmbedding(V4, { text: 'a chart', image: page }));
    const error = await invokeError(V4, {
      input_type: 'search_document',
      inputs: [{ content: [{ type: 'image_url', image_url: 42 }] }],
    });
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('image_url');
  });

  it('truncates to max_tokens with LEFT and RIGHT', async () => {
    const text = 'one two three four five';
    const right = await invoke(V4, {
      input_type: 'search_document',
      texts: [text],
      max_tokens: 2,
      truncate: 'RIGHT',
    });
    const left = await invoke(V4, {
      input_type: 'search_document',
      texts: [text],
      max_tokens: 2,
      truncate: 'LEFT',
    });
    expect((right.body.embeddings as number[][])[0]).toEqual(expectedEmbedding(V4, 'one two'));
    expect((left.body.embeddings as number[][])[0]).toEqual(expectedEmbedding(V4, 'four five'));
  });
});

describe('Cohere invalid bodies', () => {
  const texts = (n: number) => Array.from({ length: n }, (_, i) => `text ${i}`);
  const cases: Array<[string, string, unknown, string]> = [
    ['a missing input_type', EN, { texts: ['hi'] }, '#: required key [input_type] not found'],
    [
      '97 texts',
      EN,
      { input_type: 'search_document', texts: texts(97) },
      '#/texts: expected maximum item count: 96, found: 97',
    ],
    [
      'a text over 2,048 characters',
      ML,
      { input_type: 'search_document', texts: ['a'.repeat(2049)] },
      '#/texts/0: expected maxLength: 2048, actual: 2049',
    ],
    [
      'texts and images together',
      EN,
      { input_type: 'search_document', texts: ['hi'], images: [dataUri(png(2, 2))] },
      'only one of [texts, images] may be given',
    ],
    ['neither texts nor images', EN, { input_type: 'search_document' }, 'one of [texts, images] is required'],
    [
      'two images to v3',
      EN,
      { input_type: 'image', images: [dataUri(png(2, 2)), dataUri(png(3, 3))] },
      '#/images: expected maximum item count: 1, found: 2',
    ],
    [
      'a WEBP image to v3',
      EN,
      { input_type: 'image', images: [dataUri(webp(4, 4), 'image/webp')] },
      'image format webp is not supported',
    ],
    [
      'an image with input_type search_document to v3',
      EN,
      { input_type: 'search_document', images: [dataUri(png(2, 2))] },
      'input_type must be image',
    ],
    [
      'a data URI whose MIME type lies',
      V4,
      { input_type: 'search_document', images: [dataUri(png(2, 2), 'image/jpeg')] },
      'declared as jpeg but the data is png',
    ],
    [
      'an image that is not a data URI',
      V4,
      { input_type: 'search_document', images: [b64(png(2, 2))] },
      'expected a data URI',
    ],
    [
      'output_dimension to v3',
      EN,
      { input_type: 'search_document', texts: ['hi'], output_dimension: 512 },
      'extraneous key [output_dimension] is not permitted',
    ],
    [
      'an output_dimension v4 lacks',
      V4,
      { input_type: 'search_document', texts: ['hi'], output_dimension: 768 },
      '#/output_dimension: 768 is not a valid enum value',
    ],
    [
      'v3 truncate values to v4',
      V4,
      { input_type: 'search_document', texts: ['hi'], truncate: 'END' },
      '#/truncate: END is not a valid enum value',
    ],
    [
      'an unknown embedding type',
      EN,
      { input_type: 'search_document', texts: ['hi'], embedding_types: ['float16'] },
      'float16 is not a valid enum value',
    ],
    [
      'an unknown input_type',
      EN,
      { input_type: 'query', texts: ['hi'] },
      '#/input_type: query is not a valid enum value',
    ],
    [
      'a text over the token limit with truncate NONE',
      EN,
      { input_type: 'search_document', texts: ['a '.repeat(600)] },
      'more than the maximum of 512',
    ],
    [
      'texts and inputs together to v4',
      V4,
      { input_type: 'search_document', texts: ['hi'], inputs: [] },
      'only one of [texts, inputs] may be given',
    ],
    [
      'an unknown content part',
      V4,
      { input_type: 'search_document', inputs: [{ content: [{ type: 'audio', audio: 'x' }] }] },
      '#/inputs/0/content/0/type: audio is not a valid enum value',
    ],
  ];
  it.each(cases)('rejects %s', async (_, model, body, message) => {
    const error = await invokeError(model, body);
    expect(error.name).toBe('ValidationException');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });
});
