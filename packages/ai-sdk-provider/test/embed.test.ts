/**
 * The provider under the real `ai@7` (`embed`, `embedMany`, `cosineSimilarity`), against the
 * emulator over HTTP. Every vector is compared with the one the emulator says it returns.
 */

import { APICallError, InvalidArgumentError, NoSuchModelError } from '@ai-sdk/provider';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import {
  createBedrockEmbeddings,
  ServiceError,
  UnsupportedParameterError,
  ValidationError,
} from '@bedrock-embeddings/core';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { cosineSimilarity, createProviderRegistry, embed, embedMany } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BedrockEmbeddingProvider, createBedrockEmbeddingProvider } from '../src/index.js';
import { dataUrl, emulatorProvider, MODELS, png } from './helpers.js';

let emu: Emulator;
let bedrock: BedrockEmbeddingProvider;

beforeAll(async () => {
  emu = await startEmulator();
  bedrock = emulatorProvider(emu);
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => {
  emu.reset();
  emu.configure({ latency: {}, faults: { rate: 0 } });
});

const invokes = () => emu.stats().requests.byOperation.InvokeModel ?? 0;

const TEXTS = ['The cat sat on the mat.', 'Stock markets fell sharply today.', 'A recipe for lemon cake.'];

describe('embed and embedMany on every family (ai@7)', () => {
  const cases: Array<{ model: string; batched: boolean }> = [
    { model: MODELS.titanTextV1, batched: false },
    { model: MODELS.titanTextV2, batched: false },
    { model: MODELS.titanMultimodal, batched: false },
    { model: MODELS.cohereEnglishV3, batched: true },
    { model: MODELS.cohereMultilingualV3, batched: true },
    { model: MODELS.cohereV4, batched: true },
    { model: MODELS.nova, batched: false },
    { model: MODELS.marengo27, batched: false },
    { model: MODELS.marengo30, batched: false },
  ];

  for (const { model, batched } of cases) {
    it(`${model}: embed`, async () => {
      const result = await embed({ model: bedrock(model), value: TEXTS[0]! });
      expect(result.embedding).toEqual(emu.expectedEmbedding(model, TEXTS[0]!));
      expect(result.providerMetadata?.bedrock?.modelId).toBe(model);
      expect(invokes()).toBe(1);
    });

    it(`${model}: embedMany keeps the input order in ${batched ? 'one request' : 'one request per value'}`, async () => {
      const result = await embedMany({ model: bedrock.embedding(model), values: TEXTS });
      expect(result.embeddings).toEqual(TEXTS.map((text) => emu.expectedEmbedding(model, text)));
      expect(invokes()).toBe(batched ? 1 : TEXTS.length);
      expect(result.providerMetadata?.bedrock?.requests).toBe(batched ? 1 : TEXTS.length);
    });
  }
});

describe('dimensions', () => {
  const cases: Array<[string, number]> = [
    [MODELS.titanTextV2, 256],
    [MODELS.titanMultimodal, 384],
    [MODELS.cohereV4, 512],
    [MODELS.nova, 384],
  ];
  for (const [model, dimensions] of cases) {
    it(`${model}: the call's dimensions set the vector length`, async () => {
      const { embedding } = await embed({ model: bedrock(model), value: TEXTS[1]!, dimensions });
      expect(embedding).toHaveLength(dimensions);
      expect(embedding).toEqual(emu.expectedEmbedding(model, TEXTS[1]!, { dimensions }));
    });
  }

  it('providerOptions and model settings set them too (for majors without the argument)', async () => {
    const viaOptions = await embed({
      model: bedrock(MODELS.titanTextV2),
      value: TEXTS[1]!,
      providerOptions: { bedrock: { dimensions: 512 } },
    });
    const viaSettings = await embed({
      model: bedrock(MODELS.titanTextV2, { dimensions: 512 }),
      value: TEXTS[1]!,
    });
    const expected = emu.expectedEmbedding(MODELS.titanTextV2, TEXTS[1]!, { dimensions: 512 });
    expect(viaOptions.embedding).toEqual(expected);
    expect(viaSettings.embedding).toEqual(expected);
  });

  it('conflicting dimensions are an error before any request', async () => {
    const failure = embed({
      model: bedrock(MODELS.titanTextV2),
      value: 'x',
      dimensions: 256,
      providerOptions: { bedrock: { dimensions: 512 } },
    });
    await expect(failure).rejects.toSatisfy(InvalidArgumentError.isInstance);
    expect(invokes()).toBe(0);
  });

  it('a value the model does not allow is an InvalidArgumentError naming it, before any request', async () => {
    const error = await embed({ model: bedrock(MODELS.titanTextV2), value: 'x', dimensions: 300 }).catch(
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('dimensions');
    expect((error as Error).cause).toBeInstanceOf(ValidationError);
    expect(invokes()).toBe(0);
  });
});

describe('purpose: query versus document', () => {
  const query = 'which animal sat on the mat?';

  for (const model of [MODELS.cohereEnglishV3, MODELS.cohereV4, MODELS.nova]) {
    it(`${model}: document by default, query per call or per model`, async () => {
      const document = emu.expectedEmbedding(model, query, { purpose: 'document' });
      const asQuery = emu.expectedEmbedding(model, query, { purpose: 'query' });
      expect(asQuery).not.toEqual(document);

      const byDefault = await embed({ model: bedrock(model), value: query });
      const perCall = await embed({
        model: bedrock(model),
        value: query,
        providerOptions: { bedrock: { purpose: 'query' } },
      });
      const queryModel = bedrock(model, { purpose: 'query' });
      const perModel = await embed({ model: queryModel, value: query });
      const overridden = await embed({
        model: queryModel,
        value: query,
        providerOptions: { bedrock: { purpose: 'document' } },
      });
      expect(byDefault.embedding).toEqual(document);
      expect(perCall.embedding).toEqual(asQuery);
      expect(perModel.embedding).toEqual(asQuery);
      expect(overridden.embedding).toEqual(document);
    });
  }

  it('provider defaults apply to every model, below model settings', async () => {
    const queries = emulatorProvider(emu, { defaults: { purpose: 'query' } });
    const { embedding } = await embed({ model: queries(MODELS.cohereV4), value: query });
    expect(embedding).toEqual(emu.expectedEmbedding(MODELS.cohereV4, query, { purpose: 'query' }));
    const documents = await embed({ model: queries(MODELS.cohereV4, { purpose: 'document' }), value: query });
    expect(documents.embedding).toEqual(
      emu.expectedEmbedding(MODELS.cohereV4, query, { purpose: 'document' }),
    );
  });
});

describe('provider options', () => {
  it('truncate, normalize, embeddingTypes and extraBody reach the request', async () => {
    const titan = await embed({
      model: bedrock(MODELS.titanTextV2),
      value: TEXTS[2]!,
      providerOptions: { bedrock: { normalize: false } },
    });
    expect(titan.embedding).toEqual(
      emu.expectedEmbedding(MODELS.titanTextV2, TEXTS[2]!, { normalize: false }),
    );

    const cohere = await embedMany({
      model: bedrock(MODELS.cohereV4),
      values: TEXTS,
      providerOptions: { bedrock: { embeddingTypes: ['int8'], truncate: 'end' } },
    });
    expect(cohere.embeddings).toEqual(
      TEXTS.map((text) => emu.expectedEmbedding(MODELS.cohereV4, text, { truncate: 'RIGHT' })),
    );
    // truncate on a text over Cohere v3's 512-token limit: the kept end decides the vector.
    const long = Array.from({ length: 600 }, (_, i) => `w${i % 9}`).join(' ');
    const cut = await embed({
      model: bedrock(MODELS.cohereEnglishV3),
      value: long,
      providerOptions: { bedrock: { truncate: 'start' } },
    });
    expect(cut.embedding).toEqual(emu.expectedEmbedding(MODELS.cohereEnglishV3, long, { truncate: 'START' }));
    expect(cut.embedding).not.toEqual(
      emu.expectedEmbedding(MODELS.cohereEnglishV3, long, { truncate: 'END' }),
    );
    expect(cohere.providerMetadata?.bedrock?.embeddingsByType).toEqual({
      int8: TEXTS.map((text) => emu.expectedEmbedding(MODELS.cohereV4, text, { embeddingType: 'int8' })),
    });

    // Fields merged verbatim into the body: Cohere v4's own `output_dimension`.
    const raw = await embed({
      model: bedrock(MODELS.cohereV4),
      value: TEXTS[0]!,
      providerOptions: { bedrock: { extraBody: { output_dimension: 256 } } },
    });
    expect(raw.embedding).toEqual(emu.expectedEmbedding(MODELS.cohereV4, TEXTS[0]!, { dimensions: 256 }));
  });

  it('an unknown key is an InvalidArgumentError before any request', async () => {
    const error = await embed({
      model: bedrock(MODELS.titanTextV2),
      value: 'x',
      providerOptions: { bedrock: { dimension: 256 } },
    }).catch((e: unknown) => e);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('providerOptions.bedrock');
    expect((error as Error).message).toMatch(/dimension/);
    expect(invokes()).toBe(0);
  });

  it('a wrongly typed value is an InvalidArgumentError', async () => {
    const failure = embed({
      model: bedrock(MODELS.titanTextV2),
      value: 'x',
      providerOptions: { bedrock: { normalize: 'yes' } },
    });
    await expect(failure).rejects.toSatisfy(InvalidArgumentError.isInstance);
    expect(invokes()).toBe(0);
  });

  it('other providers’ options are left alone', async () => {
    const { embedding } = await embed({
      model: bedrock(MODELS.titanTextV2),
      value: TEXTS[0]!,
      providerOptions: { openai: { dimensions: 3 } },
    });
    expect(embedding).toEqual(emu.expectedEmbedding(MODELS.titanTextV2, TEXTS[0]!));
  });

  it('settings are validated when the model is created', () => {
    expect(() => bedrock(MODELS.titanTextV2, { purpose: 'query', colour: 'red' } as never)).toThrow(/colour/);
  });

  it('textOnly embeds a value that looks like media as text', async () => {
    const value = 's3://my-bucket/cat.png';
    const { embedding } = await embed({
      model: bedrock(MODELS.titanTextV2),
      value,
      providerOptions: { bedrock: { textOnly: true } },
    });
    expect(embedding).toEqual(emu.expectedEmbedding(MODELS.titanTextV2, value));
  });
});

describe('warnings, usage and headers', () => {
  it('a dropped parameter is a warning in the spec format; without opting in it is an error', async () => {
    const result = await embed({
      model: bedrock(MODELS.titanTextV1, { dropUnsupportedParams: true }),
      value: TEXTS[0]!,
      dimensions: 256,
    });
    expect(result.embedding).toEqual(emu.expectedEmbedding(MODELS.titanTextV1, TEXTS[0]!));
    expect(result.warnings).toEqual([
      { type: 'unsupported', feature: 'dimensions', details: expect.stringContaining('dimensions') },
    ]);

    const error = await embed({ model: bedrock(MODELS.titanTextV1), value: 'x', dimensions: 256 }).catch(
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(UnsupportedParameterError);
    expect(invokes()).toBe(1);
  });

  it('usage is the token count Bedrock reported, summed over requests', async () => {
    const single = await Promise.all(
      TEXTS.map((value) => embed({ model: bedrock(MODELS.titanTextV2), value })),
    );
    for (const { usage, response } of single) {
      expect(usage.tokens).toBe(Number(response?.headers?.['x-amzn-bedrock-input-token-count']));
      expect(usage.tokens).toBeGreaterThan(0);
    }
    const many = await embedMany({ model: bedrock(MODELS.titanTextV2), values: TEXTS });
    expect(many.usage.tokens).toBe(single.reduce((sum, { usage }) => sum + usage.tokens, 0));
  });

  it('usage is left out, not invented, when Bedrock does not report it', async () => {
    const client = new BedrockRuntimeClient({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        delete (result.response as { headers: Record<string, string> }).headers[
          'x-amzn-bedrock-input-token-count'
        ];
        return result;
      },
      { step: 'deserialize', name: 'dropTokenCount' },
    );
    const { embedding, usage } = await embed({
      model: emulatorProvider(emu, { client })(MODELS.cohereV4),
      value: 'x',
    });
    expect(embedding).toEqual(emu.expectedEmbedding(MODELS.cohereV4, 'x'));
    // ai@7 reports a usage it was not given as NaN.
    expect(usage.tokens).toBeNaN();
  });

  it('sends the call headers and returns the response headers and request ids', async () => {
    const sent: Array<Record<string, string>> = [];
    const client = new BedrockRuntimeClient({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordHeaders', priority: 'low' },
    );
    const result = await embed({
      model: emulatorProvider(emu, { client })(MODELS.titanTextV2),
      value: TEXTS[0]!,
      headers: { 'x-trace-id': 'trace-42' },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.['x-trace-id']).toBe('trace-42');
    const requestId = result.response?.headers?.['x-amzn-requestid'];
    expect(requestId).toEqual(expect.any(String));
    expect(result.providerMetadata?.bedrock).toMatchObject({
      family: 'titan-text',
      model: MODELS.titanTextV2,
      requestIds: [requestId],
      usage: { inputTokens: result.usage.tokens },
    });
  });
});

describe('errors and retries', () => {
  it('a 400 from Bedrock makes exactly one request, even through embed() retries', async () => {
    const error = await embed({
      model: bedrock(MODELS.titanTextV2),
      value: TEXTS[0]!,
      // Not checked by the core (merged verbatim), rejected by Bedrock.
      providerOptions: { bedrock: { extraBody: { dimensions: 7 } } },
      maxRetries: 2,
    }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(400);
    expect((error as APICallError).isRetryable).toBe(false);
    expect((error as Error).cause).toBeInstanceOf(ValidationError);
    expect(invokes()).toBe(1);
  });

  it('a failure that outlasts the core retries is not retried again by embed()', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['unavailable'] } });
    const provider = emulatorProvider(emu, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = await embed({ model: provider(MODELS.titanTextV2), value: 'x', maxRetries: 2 }).catch(
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(503);
    expect((error as APICallError).isRetryable).toBe(false);
    expect((error as Error).cause).toBeInstanceOf(ServiceError);
    // The core's two attempts, and no more.
    expect(invokes()).toBe(2);
  });

  it('an unknown model is a NoSuchModelError when the model is created', () => {
    expect(() => bedrock('amazon.titan-embed-text-v9')).toThrow(
      expect.objectContaining({ name: 'AI_NoSuchModelError', modelId: 'amazon.titan-embed-text-v9' }),
    );
  });

  it('a bad value is an InvalidArgumentError naming it', async () => {
    const error = await embedMany({ model: bedrock(MODELS.titanTextV2), values: ['fine', '   '] }).catch(
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('values[1]');
    expect(invokes()).toBe(0);
  });
});

describe('abort', () => {
  it('an abort signal stops the call and its requests', async () => {
    emu.configure({ latency: { fixedMs: 5_000 } });
    const controller = new AbortController();
    const call = embedMany({
      model: bedrock(MODELS.titanTextV2),
      values: TEXTS,
      abortSignal: controller.signal,
    });
    await expect.poll(() => emu.stats().inFlight).toBeGreaterThan(0);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => emu.stats().inFlight).toBe(0);
  });

  it('queued requests are not sent after an abort', async () => {
    emu.configure({ latency: { fixedMs: 5_000 } });
    const serial = emulatorProvider(emu, { maxConcurrency: 1 });
    const controller = new AbortController();
    const call = embedMany({
      model: serial(MODELS.titanTextV2),
      values: TEXTS,
      abortSignal: controller.signal,
    });
    await expect.poll(() => emu.stats().inFlight).toBe(1);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(invokes()).toBe(1);
  });

  it('an aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      embed({ model: bedrock(MODELS.titanTextV2), value: 'x', abortSignal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(invokes()).toBe(0);
  });
});

describe('multimodal values: data: URLs and s3:// URIs', () => {
  const OWNER = '111122223333';
  const red = png(220, 20, 20);
  const blue = png(20, 20, 220);

  const cases: Array<{ model: string; s3: boolean }> = [
    { model: MODELS.titanMultimodal, s3: false },
    { model: MODELS.cohereEnglishV3, s3: false },
    { model: MODELS.cohereV4, s3: false },
    { model: MODELS.nova, s3: true },
    { model: MODELS.marengo27, s3: true },
    { model: MODELS.marengo30, s3: true },
  ];
  for (const { model, s3 } of cases) {
    it(`${model}: images${s3 ? ' inline and in S3' : ''}, mixed with text`, async () => {
      const values = [
        dataUrl(red),
        'a red square',
        dataUrl(blue),
        ...(s3 ? ['s3://media-bucket/photos/red.png'] : []),
      ];
      // Marengo 3.0 needs the bucket's owner for S3 media; the others take it too.
      const { embeddings } = await embedMany({ model: bedrock(model, { bucketOwner: OWNER }), values });
      expect(embeddings).toEqual([
        emu.expectedEmbedding(model, { image: red }),
        emu.expectedEmbedding(model, 'a red square'),
        emu.expectedEmbedding(model, { image: blue }),
        ...(s3
          ? [
              emu.expectedEmbedding(model, {
                image: { s3Uri: 's3://media-bucket/photos/red.png', bucketOwner: OWNER },
              }),
            ]
          : []),
      ]);
    });
  }

  it('an S3 value without a bucket owner is embedded (optional, as AWS S3Location says)', async () => {
    const { embedding } = await embed({ model: bedrock(MODELS.marengo30), value: 's3://media-bucket/a.png' });
    expect(embedding).toEqual(emu.expectedEmbedding(MODELS.marengo30, { image: 's3://media-bucket/a.png' }));
    expect(invokes()).toBe(1);
  });

  it('a malformed bucket owner is an InvalidArgumentError naming it, before any request', async () => {
    const error = await embed({
      model: bedrock(MODELS.marengo30),
      value: 's3://media-bucket/a.png',
      providerOptions: { bedrock: { bucketOwner: '12' } },
    }).catch((e: unknown) => e);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).message).toMatch(/bucketOwner/);
    expect(invokes()).toBe(0);
  });

  it('an s3:// URI is embedded as the media its extension names (Nova video)', async () => {
    const clip = 's3://media-bucket/clips/intro.mp4';
    const { embedding } = await embed({ model: bedrock(MODELS.nova), value: clip });
    expect(embedding).toEqual(emu.expectedEmbedding(MODELS.nova, { video: clip }));
    expect(embedding).not.toEqual(emu.expectedEmbedding(MODELS.nova, clip));
  });

  it('a model without image input says so before any request', async () => {
    const error = await embed({ model: bedrock(MODELS.titanTextV2), value: dataUrl(red) }).catch(
      (e: unknown) => e,
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/image/);
    expect(invokes()).toBe(0);
  });
});

describe('retrieval', () => {
  const documents = [
    'The Eiffel Tower is a wrought-iron lattice tower in Paris, France.',
    'Photosynthesis converts light energy into chemical energy in plants.',
    'The stock market index closed higher after the interest rate decision.',
    'Mount Everest is the highest mountain above sea level, in the Himalayas.',
  ];
  const questions: Array<[string, number]> = [
    ['Which tower in Paris is made of wrought iron?', 0],
    ['How do plants convert light energy into chemical energy?', 1],
    ['What is the highest mountain in the Himalayas?', 3],
  ];

  for (const model of [MODELS.titanTextV2, MODELS.cohereV4, MODELS.nova]) {
    it(`${model}: cosineSimilarity ranks the right document first`, async () => {
      const corpus = await embedMany({ model: bedrock(model, { purpose: 'document' }), values: documents });
      for (const [question, expected] of questions) {
        const { embedding } = await embed({ model: bedrock(model, { purpose: 'query' }), value: question });
        const scores = corpus.embeddings.map((vector) => cosineSimilarity(embedding, vector));
        expect(scores.indexOf(Math.max(...scores))).toBe(expected);
      }
    });
  }
});

describe('the provider', () => {
  it('is a ProviderV4 for registries, serving embedding models only', async () => {
    const registry = createProviderRegistry({ bedrock });
    const { embedding } = await embed({
      model: registry.embeddingModel(`bedrock:${MODELS.titanTextV2}`),
      value: 'x',
    });
    expect(embedding).toEqual(emu.expectedEmbedding(MODELS.titanTextV2, 'x'));
    expect(() => bedrock.languageModel('anthropic.claude')).toThrow(NoSuchModelError);
  });

  it('can share a core instance, and with it the concurrency bound', async () => {
    emu.configure({ latency: { fixedMs: 5 } });
    const core = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      maxConcurrency: 1,
    });
    const first = createBedrockEmbeddingProvider({ embeddings: core });
    const second = createBedrockEmbeddingProvider({ embeddings: core, specificationVersion: 'v3' });
    const [a, b] = await Promise.all([
      embedMany({ model: first(MODELS.titanTextV2), values: TEXTS }),
      embedMany({ model: second(MODELS.titanTextV2), values: TEXTS }),
    ]);
    expect(a.embeddings).toEqual(b.embeddings);
    expect(emu.stats().requests.byOperation.InvokeModel).toBe(2 * TEXTS.length);
    expect(emu.stats().peakConcurrency).toBe(1);
  });

  it('rejects an unknown specification version', () => {
    expect(() => bedrock(MODELS.titanTextV2, { specificationVersion: 'v9' as never })).toThrow(
      InvalidArgumentError,
    );
  });

  it('reports the model and the limits embedMany reads', () => {
    const model = bedrock.embeddingModel(MODELS.cohereV4);
    expect(model).toMatchObject({
      specificationVersion: 'v4',
      provider: 'bedrock-embeddings',
      modelId: MODELS.cohereV4,
      maxEmbeddingsPerCall: Number.POSITIVE_INFINITY,
      supportsParallelCalls: true,
    });
  });

  it('embedMany of no values sends nothing', async () => {
    const { embeddings } = await embedMany({ model: bedrock(MODELS.cohereV4), values: [] });
    expect(embeddings).toEqual([]);
    expect(invokes()).toBe(0);
  });

  it('routes every id form the core routes', async () => {
    const ids = [
      `bedrock/${MODELS.titanTextV2}`,
      `arn:aws:bedrock:${emu.region}::foundation-model/${MODELS.titanTextV2}`,
      `eu.${MODELS.titanTextV2}`,
    ];
    for (const id of ids) {
      const { embedding } = await embed({ model: bedrock(id), value: 'x' });
      expect(embedding).toEqual(emu.expectedEmbedding(MODELS.titanTextV2, 'x'));
    }
  });
});
