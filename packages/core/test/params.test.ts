import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkInvocation,
  createBedrockEmbeddings,
  families,
  normalizeInputs,
  resolveModel,
  resolveParams,
  UnsupportedParameterError,
  ValidationError,
} from '../src/index.js';

const TITAN_V1 = 'amazon.titan-embed-text-v1';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const COHERE_V4 = 'us.cohere.embed-v4:0';
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_27 = 'twelvelabs.marengo-embed-2-7-v1:0';

const params = (model: string, request: Parameters<typeof resolveParams>[0]) =>
  resolveParams(request, resolveModel(model));

function thrown(fn: () => unknown): Error & Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected an error');
}

describe('resolveParams: defaults', () => {
  it('applies each model default dimension and purpose', () => {
    expect(params(TITAN_V2, {}).params).toEqual({ dimensions: 1024 });
    expect(params(TITAN_V1, {}).params).toEqual({ dimensions: 1536 });
    expect(params(COHERE_V4, {}).params).toEqual({ dimensions: 1536, purpose: 'document' });
    expect(params(NOVA, {}).params).toMatchObject({ dimensions: 3072 });
    expect(params(NOVA, {}).params.purpose).toBeDefined();
  });
});

describe('resolveParams: dimensions', () => {
  it('accepts allowed values', () => {
    expect(params(TITAN_V2, { dimensions: 256 }).params.dimensions).toBe(256);
    expect(params(COHERE_V4, { dimensions: 512 }).params.dimensions).toBe(512);
  });

  it('rejects values outside the allowed list, listing them', () => {
    const error = thrown(() => params(TITAN_V2, { dimensions: 300 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ parameter: 'dimensions', model: TITAN_V2 });
    expect(error.message).toContain('1024, 512, 256');
  });

  it('treats dimensions as unsupported on fixed-size models, unless it equals the fixed size', () => {
    expect(params(TITAN_V1, { dimensions: 1536 }).warnings).toEqual([]);
    const error = thrown(() => params(TITAN_V1, { dimensions: 512 }));
    expect(error).toBeInstanceOf(UnsupportedParameterError);
    expect(error).toMatchObject({ parameter: 'dimensions', model: TITAN_V1, supported: ['providerOptions'] });
    expect(error.message).toContain(TITAN_V1);
  });

  it('drops an unsupported parameter with a warning when asked', () => {
    const { params: resolved, warnings } = params(TITAN_V1, { dimensions: 512, dropUnsupportedParams: true });
    expect(resolved.dimensions).toBe(1536);
    expect(warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-parameter', parameter: 'dimensions' }),
    ]);
  });
});

describe('resolveParams: purpose', () => {
  it('accepts document and query as no-ops on symmetric models', () => {
    for (const purpose of ['document', 'query'] as const) {
      const result = params(TITAN_V2, { purpose });
      expect(result.params.purpose).toBeUndefined();
      expect(result.warnings).toEqual([]);
    }
  });

  it('rejects other purposes on symmetric models as unsupported', () => {
    expect(thrown(() => params(TITAN_V2, { purpose: 'classification' }))).toBeInstanceOf(
      UnsupportedParameterError,
    );
    expect(params(TITAN_V2, { purpose: 'clustering', dropUnsupportedParams: true }).warnings).toHaveLength(1);
  });

  it('maps supported purposes and rejects ones the model lacks', () => {
    expect(params(COHERE_V4, { purpose: 'query' }).params.purpose).toBe('query');
    expect(params(NOVA, { purpose: 'video-retrieval' }).params.purpose).toBe('video-retrieval');
    const error = thrown(() => params(COHERE_V4, { purpose: 'video-retrieval' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ parameter: 'purpose' });
  });
});

describe('resolveParams: truncate, normalize, embeddingTypes, providerOptions', () => {
  it('checks truncate against the model', () => {
    expect(params(COHERE_V4, { truncate: 'end' }).params.truncate).toBe('end');
    expect(thrown(() => params(TITAN_V2, { truncate: 'end' }))).toMatchObject({
      parameter: 'truncate',
      supported: ['dimensions', 'normalize', 'embeddingTypes', 'providerOptions'],
    });
  });

  it('checks normalize against the model', () => {
    expect(params(TITAN_V2, { normalize: false }).params.normalize).toBe(false);
    expect(thrown(() => params(COHERE_V4, { normalize: true }))).toBeInstanceOf(UnsupportedParameterError);
  });

  it('checks embeddingTypes, always keeping float first', () => {
    expect(params(COHERE_V4, { embeddingTypes: ['int8', 'float', 'int8'] }).params.embeddingTypes).toEqual([
      'float',
      'int8',
    ]);
    expect(params(TITAN_V2, { embeddingTypes: ['float'] }).params.embeddingTypes).toBeUndefined();
    expect(thrown(() => params(TITAN_V2, { embeddingTypes: ['int8'] }))).toMatchObject({
      parameter: 'embeddingTypes',
      code: 'VALIDATION',
    });
    expect(thrown(() => params(NOVA, { embeddingTypes: ['binary'] }))).toBeInstanceOf(
      UnsupportedParameterError,
    );
    expect(thrown(() => params(COHERE_V4, { embeddingTypes: [] }))).toBeInstanceOf(ValidationError);
  });

  it('passes providerOptions through, and rejects non-objects', () => {
    expect(params(TITAN_V2, { providerOptions: { x: 1 } }).params.providerOptions).toEqual({ x: 1 });
    expect(thrown(() => params(TITAN_V2, { providerOptions: [] as never }))).toMatchObject({
      parameter: 'providerOptions',
    });
  });
});

describe("resolveParams: providerOptions against the model's bodyFields", () => {
  it('every model declares the body fields that carry its inputs', () => {
    for (const family of families) {
      for (const spec of family.models) {
        expect(Object.values(spec.capabilities.bodyFields ?? {}), spec.id).toContain('inputs');
      }
    }
  });

  it('refuses a field carrying the inputs, even with dropUnsupportedParams, naming model and key', () => {
    const error = thrown(() =>
      params(COHERE_V4, { providerOptions: { max_tokens: 10, texts: ['x'] }, dropUnsupportedParams: true }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ model: COHERE_V4, parameter: 'providerOptions.texts' });
    expect(error.message).toMatch(/^us\.cohere\.embed-v4:0: providerOptions\.texts is not allowed.*`inputs`/);
  });

  it("refuses a common parameter's field only when the request gives that parameter too", () => {
    expect(params(TITAN_V2, { providerOptions: { dimensions: 256 } }).params.providerOptions).toEqual({
      dimensions: 256,
    });
    const error = thrown(() => params(TITAN_V2, { dimensions: 512, providerOptions: { dimensions: 256 } }));
    expect(error).toMatchObject({ model: TITAN_V2, parameter: 'providerOptions.dimensions' });
    expect(error.message).toMatch(/contradicts `dimensions`.*Give one of them/);
  });

  it('follows nested objects key by key, and treats any other value as replacing the whole field', () => {
    const nested = { singleEmbeddingParams: { image: { detailLevel: 'STANDARD_IMAGE' } } };
    expect(params(NOVA, { providerOptions: nested }).params.providerOptions).toEqual(nested);
    for (const value of ['x', 1, null, [], undefined]) {
      expect(
        thrown(() => params(NOVA, { providerOptions: { singleEmbeddingParams: { text: value } } })),
      ).toMatchObject({ parameter: 'providerOptions.singleEmbeddingParams.text' });
    }
  });
});

describe('providerOptions refused before sending (emulator)', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('sends nothing, sync or async', async () => {
    const bedrock = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      s3Endpoint: emu.s3Endpoint,
    });
    const sync = await bedrock
      .embed({ model: COHERE_V4, inputs: ['a', 'b', 'c'], providerOptions: { texts: ['only one'] } })
      .catch((error: unknown) => error);
    expect(sync).toBeInstanceOf(ValidationError);
    expect(sync).toMatchObject({ model: COHERE_V4, parameter: 'providerOptions.texts' });
    const started = await bedrock
      .startAsyncEmbed({
        model: NOVA,
        input: { video: 's3://bucket/clip.mp4' },
        outputS3Uri: 's3://bucket/out',
        providerOptions: {
          segmentedEmbeddingParams: { video: { source: { s3Location: { uri: 's3://b/other.mp4' } } } },
        },
      })
      .catch((error: unknown) => error);
    expect(started).toBeInstanceOf(ValidationError);
    expect(started).toMatchObject({ parameter: 'providerOptions.segmentedEmbeddingParams.video.source' });
    expect(emu.stats().requests.total).toBe(0);
  });
  it('names a request-level option by its own name, sync and async alike', async () => {
    const bedrock = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
      s3Endpoint: emu.s3Endpoint,
    });
    const image = { image: { value: 's3://bucket/a.png', format: 'png' } };
    const sync = await bedrock
      .embed({ model: NOVA, inputs: ['a', image], providerOptions: { detailLevel: 'ULTRA' } })
      .catch((error: unknown) => error);
    expect(sync).toBeInstanceOf(ValidationError);
    expect(sync).toMatchObject({ model: NOVA, parameter: 'providerOptions.detailLevel' });
    expect((sync as Error).message).toContain('(for inputs[0])');
    const started = await bedrock
      .startAsyncEmbed({
        model: NOVA,
        input: [image, image],
        outputS3Uri: 's3://bucket/out',
        providerOptions: { detailLevel: 'ULTRA' },
      })
      .catch((error: unknown) => error);
    expect(started).toMatchObject({ model: NOVA, parameter: 'providerOptions.detailLevel' });
    expect((started as Error).message).toContain('(for input[0])');
    expect(emu.stats().requests.total).toBe(0);
  });
});

describe('checkInvocation', () => {
  it('rejects modalities the model does not take synchronously, naming the input', () => {
    const inputs = normalizeInputs(['a', { video: 's3://bucket/v.mp4' }], MARENGO_27);
    const error = thrown(() => checkInvocation(inputs, resolveModel(`us.${MARENGO_27}`), 'sync'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ parameter: 'inputs[1]' });
    expect(error.message).toContain('startAsyncEmbed');
    expect(() => checkInvocation(inputs, resolveModel(MARENGO_27), 'async')).not.toThrow();
  });

  it('requires an inference profile where the model needs one for InvokeModel', () => {
    const inputs = normalizeInputs(['a'], MARENGO_27);
    const error = thrown(() => checkInvocation(inputs, resolveModel(MARENGO_27), 'sync'));
    expect(error).toMatchObject({ parameter: 'model' });
    expect(error.message).toContain(`us.${MARENGO_27}`);
    expect(() => checkInvocation(inputs, resolveModel(`eu.${MARENGO_27}`), 'sync')).not.toThrow();
  });

  it('rejects images for a text-only model', () => {
    const inputs = normalizeInputs([{ image: 's3://bucket/a.png' }], TITAN_V2);
    expect(thrown(() => checkInvocation(inputs, resolveModel(TITAN_V2), 'sync'))).toMatchObject({
      parameter: 'inputs[0]',
    });
  });
});
