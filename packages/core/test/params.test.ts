import { describe, expect, it } from 'vitest';
import {
  checkInvocation,
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
