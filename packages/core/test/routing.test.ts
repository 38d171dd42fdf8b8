import { describe, expect, it } from 'vitest';
import { families, resolveModel, UnknownModelError, ValidationError } from '../src/index.js';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const COHERE_V4 = 'cohere.embed-v4:0';
const MARENGO_27 = 'twelvelabs.marengo-embed-2-7-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/qibm5eutlkcy';

type Row = [
  given: string,
  expected: {
    modelId: string;
    baseModelId: string;
    family: string;
    idType: string;
    invoke?: string;
    region?: string;
  },
];

describe('resolveModel: every id form', () => {
  const table: Row[] = [
    [TITAN_V2, { modelId: TITAN_V2, baseModelId: TITAN_V2, family: 'titan-text', idType: 'base' }],
    [
      'amazon.titan-embed-g1-text-02',
      {
        modelId: 'amazon.titan-embed-g1-text-02',
        baseModelId: 'amazon.titan-embed-text-v1',
        family: 'titan-text',
        idType: 'base',
      },
    ],
    [
      'amazon.titan-embed-image-v1',
      {
        modelId: 'amazon.titan-embed-image-v1',
        baseModelId: 'amazon.titan-embed-image-v1',
        family: 'titan-multimodal',
        idType: 'base',
      },
    ],
    [
      'cohere.embed-english-v3',
      {
        modelId: 'cohere.embed-english-v3',
        baseModelId: 'cohere.embed-english-v3',
        family: 'cohere',
        idType: 'base',
      },
    ],
    [
      'cohere.embed-v4',
      { modelId: 'cohere.embed-v4', baseModelId: COHERE_V4, family: 'cohere', idType: 'base' },
    ],
    ...['us', 'eu', 'apac', 'global', 'us-gov', 'jp', 'au'].map(
      (geo) =>
        [
          `${geo}.${COHERE_V4}`,
          {
            modelId: `${geo}.${COHERE_V4}`,
            baseModelId: COHERE_V4,
            family: 'cohere',
            idType: 'inference-profile',
          },
        ] satisfies Row,
    ),
    [
      'us.amazon.nova-2-multimodal-embeddings-v1:0',
      {
        modelId: 'us.amazon.nova-2-multimodal-embeddings-v1:0',
        baseModelId: 'amazon.nova-2-multimodal-embeddings-v1:0',
        family: 'nova',
        idType: 'inference-profile',
      },
    ],
    [
      `eu.${MARENGO_27}`,
      {
        modelId: `eu.${MARENGO_27}`,
        baseModelId: MARENGO_27,
        family: 'marengo',
        idType: 'inference-profile',
      },
    ],
    [
      `arn:aws:bedrock:us-west-2::foundation-model/${TITAN_V2}`,
      {
        modelId: `arn:aws:bedrock:us-west-2::foundation-model/${TITAN_V2}`,
        baseModelId: TITAN_V2,
        family: 'titan-text',
        idType: 'foundation-model-arn',
        region: 'us-west-2',
      },
    ],
    [
      `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${COHERE_V4}`,
      {
        modelId: `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${COHERE_V4}`,
        baseModelId: COHERE_V4,
        family: 'cohere',
        idType: 'inference-profile-arn',
        region: 'eu-west-1',
      },
    ],
    [
      `arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/${TITAN_V2}`,
      {
        modelId: `arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/${TITAN_V2}`,
        baseModelId: TITAN_V2,
        family: 'titan-text',
        idType: 'foundation-model-arn',
        region: 'us-gov-west-1',
      },
    ],
    [
      `bedrock/${TITAN_V2}`,
      { modelId: TITAN_V2, baseModelId: TITAN_V2, family: 'titan-text', idType: 'base', invoke: 'sync' },
    ],
    [
      `bedrock/us.${COHERE_V4}`,
      { modelId: `us.${COHERE_V4}`, baseModelId: COHERE_V4, family: 'cohere', idType: 'inference-profile' },
    ],
    [
      `bedrock/async_invoke/${MARENGO_27}`,
      { modelId: MARENGO_27, baseModelId: MARENGO_27, family: 'marengo', idType: 'base', invoke: 'async' },
    ],
  ];

  it.each(table)('%s', (given, expected) => {
    const resolved = resolveModel(given);
    expect(resolved).toMatchObject({ model: given, invoke: 'sync', ...expected });
    if (expected.region === undefined) expect(resolved.region).toBeUndefined();
    expect(resolved.spec.id).toBe(expected.baseModelId);
  });

  it('serves every model id and alias the families declare, with and without a geo prefix', () => {
    for (const family of families) {
      for (const spec of family.models) {
        for (const id of [spec.id, ...(spec.aliases ?? [])]) {
          expect(resolveModel(id)).toMatchObject({ family: family.id, baseModelId: spec.id });
          expect(resolveModel(`global.${id}`)).toMatchObject({ family: family.id, baseModelId: spec.id });
        }
      }
    }
  });
});

describe('resolveModel: every geo prefix', () => {
  it.each(['us', 'eu', 'apac', 'global', 'us-gov', 'jp', 'au'])(
    '%s. profile ids route to the base model',
    (geo) => {
      expect(resolveModel(`${geo}.${COHERE_V4}`)).toMatchObject({ baseModelId: COHERE_V4, family: 'cohere' });
      expect(
        resolveModel(`arn:aws:bedrock:us-east-1:123456789012:inference-profile/${geo}.${COHERE_V4}`),
      ).toMatchObject({
        baseModelId: COHERE_V4,
        region: 'us-east-1',
      });
    },
  );
});

describe('resolveModel: opaque ids', () => {
  it('routes an application inference profile ARN with family and baseModel, region from the ARN', () => {
    const resolved = resolveModel(APP_PROFILE, { family: 'cohere', baseModel: COHERE_V4 });
    expect(resolved).toMatchObject({
      modelId: APP_PROFILE,
      baseModelId: COHERE_V4,
      family: 'cohere',
      idType: 'opaque',
      region: 'us-east-1',
    });
    // A region no default would give: only reading the ARN yields it.
    const elsewhere = APP_PROFILE.replace('us-east-1', 'ap-southeast-4');
    expect(resolveModel(elsewhere, { family: 'cohere', baseModel: COHERE_V4 })).toMatchObject({
      modelId: elsewhere,
      region: 'ap-southeast-4',
    });
    expect(resolveModel(`arn:aws:bedrock:eu-north-1::foundation-model/${COHERE_V4}`)).toMatchObject({
      region: 'eu-north-1',
    });
  });

  it('accepts baseModel alone (it implies the family) and in profile form', () => {
    expect(resolveModel(APP_PROFILE, { baseModel: `us.${COHERE_V4}` })).toMatchObject({
      family: 'cohere',
      baseModelId: COHERE_V4,
    });
  });

  it('picks the only model of a one-model family', () => {
    expect(resolveModel(APP_PROFILE, { family: 'nova' })).toMatchObject({
      family: 'nova',
      baseModelId: 'amazon.nova-2-multimodal-embeddings-v1:0',
    });
  });

  it('asks for baseModel when the family has several models', () => {
    const error = catchError(() => resolveModel(APP_PROFILE, { family: 'cohere' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ parameter: 'baseModel', model: APP_PROFILE });
    expect(error.message).toContain('cohere.embed-english-v3');
    expect(error.message).toContain(COHERE_V4);
  });

  it('rejects an unknown id with the families and how to pass family', () => {
    for (const id of [APP_PROFILE, 'amazon.titan-embed-text-v3:0', 'bedrock/cohere.embed-v9', 'titan']) {
      const error = catchError(() => resolveModel(id));
      expect(error).toBeInstanceOf(UnknownModelError);
      expect(error).toMatchObject({ code: 'UNKNOWN_MODEL', model: id });
      for (const family of families) expect(error.message).toContain(family.id);
      expect(error.message).toContain('`family`');
      expect(error.message).toContain('baseModel');
    }
  });

  it('does not match by substring', () => {
    expect(() => resolveModel(`${TITAN_V2}-preview`)).toThrow(UnknownModelError);
    expect(() => resolveModel(`xx.${TITAN_V2}`)).toThrow(UnknownModelError);
    expect(() =>
      resolveModel(`arn:aws:bedrock:us-east-1:123456789012:provisioned-model/${TITAN_V2}`),
    ).toThrow(UnknownModelError);
  });

  it('rejects a family or baseModel that contradicts the id', () => {
    expect(catchError(() => resolveModel(TITAN_V2, { family: 'cohere' }))).toMatchObject({
      parameter: 'family',
    });
    expect(
      catchError(() => resolveModel(TITAN_V2, { baseModel: 'amazon.titan-embed-text-v1' })),
    ).toMatchObject({
      parameter: 'baseModel',
    });
    expect(
      catchError(() => resolveModel(APP_PROFILE, { family: 'titan-text', baseModel: COHERE_V4 })),
    ).toMatchObject({
      parameter: 'family',
    });
    expect(() => resolveModel(APP_PROFILE, { baseModel: 'cohere.embed-v9' })).toThrow(UnknownModelError);
    expect(catchError(() => resolveModel(APP_PROFILE, { family: 'openai' as never }))).toMatchObject({
      parameter: 'family',
    });
  });

  it('rejects an empty model', () => {
    expect(catchError(() => resolveModel('  '))).toMatchObject({ parameter: 'model' });
  });
});

function catchError(fn: () => unknown): Error & Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected an error');
}
