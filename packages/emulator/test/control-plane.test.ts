/** The Bedrock control plane (inference profiles, foundation models) through the real `@aws-sdk/client-bedrock`. */
import {
  BedrockClient,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  paginateListInferenceProfiles,
} from '@aws-sdk/client-bedrock';
import { type Emulator, type RequestLogEntry, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bedrock, COHERE_V4, failure, invoke, MARENGO_27, NOVA, TITAN_V2 } from './support.js';

const MARENGO_30 = 'twelvelabs.marengo-embed-3-0-v1:0';

let emu: Emulator;
let client: BedrockClient;
const log: RequestLogEntry[] = [];
beforeAll(async () => {
  emu = await startEmulator({ onRequest: (entry) => log.push(entry) });
  client = new BedrockClient({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials });
});
afterAll(async () => {
  client.destroy();
  await emu.stop();
});
beforeEach(() => {
  emu.reset();
  emu.configure({ applicationProfiles: {} });
  log.length = 0;
});

describe('GetInferenceProfile', () => {
  it.each([
    [`us.${COHERE_V4}`, COHERE_V4],
    [`global.${COHERE_V4}`, COHERE_V4],
    [`us.${MARENGO_27}`, MARENGO_27],
    [`us.${MARENGO_30}`, MARENGO_30],
    [`us.${NOVA}`, NOVA],
  ])('returns the system profile %s with the model in each destination Region', async (id, modelId) => {
    const profile = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id }));
    expect(profile.inferenceProfileId).toBe(id);
    expect(profile.type).toBe('SYSTEM_DEFINED');
    expect(profile.status).toBe('ACTIVE');
    expect(profile.inferenceProfileArn).toBe(
      `arn:aws:bedrock:us-east-1:${emu.accountId}:inference-profile/${id}`,
    );
    expect(profile.createdAt).toBeInstanceOf(Date);
    const arns = profile.models!.map((m) => m.modelArn);
    expect(arns).toContain(`arn:aws:bedrock:us-east-1::foundation-model/${modelId}`);
    for (const arn of arns)
      expect(arn).toMatch(
        new RegExp(`^arn:aws:bedrock:[a-z0-9-]+::foundation-model/${modelId.replace(/\./g, '\\.')}$`),
      );
    expect(log.map((e) => [e.operation, e.status])).toEqual([['GetInferenceProfile', 200]]);
  });

  it('finds a system profile by its ARN too', async () => {
    const arn = `arn:aws:bedrock:us-east-1:${emu.accountId}:inference-profile/us.${COHERE_V4}`;
    const profile = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn }));
    expect(profile.inferenceProfileId).toBe(`us.${COHERE_V4}`);
  });

  it('answers ResourceNotFoundException for a profile this Region does not offer or no model has', async () => {
    for (const id of [`eu.${COHERE_V4}`, `us.${TITAN_V2}`, 'us.nobody.nothing-v1:0']) {
      const error = await failure(
        client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: id })),
      );
      expect(error.name).toBe('ResourceNotFoundException');
      expect(error.$metadata.httpStatusCode).toBe(404);
    }
  });

  it('answers ValidationException for an identifier that breaks the pattern', async () => {
    const error = await failure(
      client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'has space' })),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('inferenceProfileIdentifier');
  });

  it('returns a registered application profile: copied from a system profile, and from a model', async () => {
    const copied = emu.registerApplicationProfile({ modelId: `us.${COHERE_V4}`, name: 'search-prod' });
    const direct = emu.registerApplicationProfile({ modelId: TITAN_V2, id: 'abcdefabcdef' });
    expect(direct.inferenceProfileArn).toBe(
      `arn:aws:bedrock:us-east-1:${emu.accountId}:application-inference-profile/abcdefabcdef`,
    );
    const a = await client.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: copied.inferenceProfileArn }),
    );
    expect(a.type).toBe('APPLICATION');
    expect(a.inferenceProfileName).toBe('search-prod');
    const system = await client.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: `us.${COHERE_V4}` }),
    );
    expect(a.models).toEqual(system.models);
    const b = await client.send(
      new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'abcdefabcdef' }),
    );
    expect(b.models).toEqual([{ modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${TITAN_V2}` }]);
    // The runtime routes the same ARN to the model.
    const runtime = bedrock(emu);
    const { json } = await invoke(runtime, direct.inferenceProfileArn, { inputText: 'hi' });
    runtime.destroy();
    expect(json.embedding).toEqual(emu.expectedEmbedding(TITAN_V2, 'hi'));
  });

  it('refuses to register a profile for a model that does not exist', () => {
    expect(() => emu.registerApplicationProfile({ modelId: 'nobody.nothing-v1:0' })).toThrow(
      /Could not resolve/,
    );
    expect(() => emu.registerApplicationProfile({ modelId: TITAN_V2, id: 'UPPER' })).toThrow(/pattern/);
  });
});

describe('ListInferenceProfiles', () => {
  it('lists the system profiles by default, in pages that cover each profile once', async () => {
    const all = await client.send(new ListInferenceProfilesCommand({}));
    const ids = all.inferenceProfileSummaries!.map((p) => p.inferenceProfileId);
    expect(ids).toEqual(
      expect.arrayContaining([
        `us.${COHERE_V4}`,
        `global.${COHERE_V4}`,
        `us.${MARENGO_27}`,
        `us.${MARENGO_30}`,
      ]),
    );
    expect(ids).not.toContain(`eu.${COHERE_V4}`); // not offered in us-east-1
    expect(all.inferenceProfileSummaries!.every((p) => p.type === 'SYSTEM_DEFINED')).toBe(true);
    expect(all.nextToken).toBeUndefined();

    const paged: string[] = [];
    let pages = 0;
    for await (const page of paginateListInferenceProfiles({ client, pageSize: 2 }, {})) {
      pages++;
      expect(page.inferenceProfileSummaries!.length).toBeLessThanOrEqual(2);
      paged.push(...page.inferenceProfileSummaries!.map((p) => p.inferenceProfileId!));
    }
    expect(paged).toEqual(ids);
    expect(pages).toBe(Math.ceil(ids.length / 2));
  });

  it('filters by type and keeps pages stable while profiles are added', async () => {
    const registered = ['aaaaaaaaaaaa', 'cccccccccccc', 'eeeeeeeeeeee'].map((id) =>
      emu.registerApplicationProfile({ modelId: TITAN_V2, id }),
    );
    const first = await client.send(
      new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION', maxResults: 2 }),
    );
    expect(first.inferenceProfileSummaries!.map((p) => p.inferenceProfileId)).toEqual([
      'aaaaaaaaaaaa',
      'cccccccccccc',
    ]);
    // One sorting before the token and one after: the next page has the later one and no repeat.
    emu.registerApplicationProfile({ modelId: TITAN_V2, id: 'bbbbbbbbbbbb' });
    emu.registerApplicationProfile({ modelId: TITAN_V2, id: 'dddddddddddd' });
    const second = await client.send(
      new ListInferenceProfilesCommand({
        typeEquals: 'APPLICATION',
        maxResults: 2,
        nextToken: first.nextToken,
      }),
    );
    expect(second.inferenceProfileSummaries!.map((p) => p.inferenceProfileId)).toEqual([
      'dddddddddddd',
      'eeeeeeeeeeee',
    ]);
    expect(second.nextToken).toBeUndefined();
    expect(registered).toHaveLength(3);
  });

  it('rejects an unknown type, a bad maxResults and a forged token', async () => {
    for (const input of [
      { typeEquals: 'CUSTOM' as never },
      { maxResults: 0 },
      { nextToken: 'bm90LWEtdG9rZW4' },
    ]) {
      const error = await failure(client.send(new ListInferenceProfilesCommand(input)));
      expect(error.name).toBe('ValidationException');
    }
  });
});

describe('foundation models', () => {
  it('lists every embedding and rerank model with its inference types and lifecycle', async () => {
    const { modelSummaries = [] } = await client.send(new ListFoundationModelsCommand({}));
    const byId = new Map(modelSummaries.map((m) => [m.modelId, m]));
    for (const id of [
      TITAN_V2,
      COHERE_V4,
      NOVA,
      MARENGO_27,
      MARENGO_30,
      'cohere.rerank-v3-5:0',
      'amazon.rerank-v1:0',
    ]) {
      expect(byId.get(id)?.modelArn).toBe(`arn:aws:bedrock:us-east-1::foundation-model/${id}`);
    }
    expect(byId.get(MARENGO_27)?.modelLifecycle?.status).toBe('LEGACY');
    expect(byId.get(MARENGO_27)?.inferenceTypesSupported).toEqual(['INFERENCE_PROFILE']);
    expect(byId.get(TITAN_V2)?.inferenceTypesSupported).toEqual(['ON_DEMAND']);
    expect(byId.get(COHERE_V4)?.inferenceTypesSupported).toEqual(['ON_DEMAND', 'INFERENCE_PROFILE']);
    expect(byId.get(MARENGO_30)?.modelLifecycle?.status).toBe('ACTIVE');
    expect(byId.get(NOVA)?.inputModalities).toEqual(['TEXT', 'IMAGE', 'AUDIO', 'VIDEO']);
    expect(byId.get(TITAN_V2)?.outputModalities).toEqual(['EMBEDDING']);
    expect(byId.get('cohere.rerank-v3-5:0')?.outputModalities).toEqual(['TEXT']);
  });

  it('filters by provider, output modality and inference type', async () => {
    const cohere = await client.send(new ListFoundationModelsCommand({ byProvider: 'cohere' }));
    expect(cohere.modelSummaries!.map((m) => m.modelId).sort()).toEqual([
      'cohere.embed-english-v3',
      'cohere.embed-multilingual-v3',
      COHERE_V4,
      'cohere.rerank-v3-5:0',
    ]);
    const text = await client.send(new ListFoundationModelsCommand({ byOutputModality: 'TEXT' }));
    expect(text.modelSummaries!.map((m) => m.modelId).sort()).toEqual([
      'amazon.rerank-v1:0',
      'cohere.rerank-v3-5:0',
    ]);
    const onDemand = await client.send(new ListFoundationModelsCommand({ byInferenceType: 'ON_DEMAND' }));
    expect(onDemand.modelSummaries!.map((m) => m.modelId)).not.toContain(MARENGO_27);
  });

  it('returns one model by id or ARN with Marengo 2.7 Legacy until 2026-11-30', async () => {
    const { modelDetails } = await client.send(
      new GetFoundationModelCommand({ modelIdentifier: MARENGO_27 }),
    );
    expect(modelDetails?.modelLifecycle?.status).toBe('LEGACY');
    expect(modelDetails?.modelLifecycle?.endOfLifeTime?.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(modelDetails?.providerName).toBe('TwelveLabs');
    const byArn = await client.send(
      new GetFoundationModelCommand({
        modelIdentifier: `arn:aws:bedrock:us-east-1::foundation-model/${TITAN_V2}`,
      }),
    );
    expect(byArn.modelDetails?.modelId).toBe(TITAN_V2);
    const missing = await failure(
      client.send(new GetFoundationModelCommand({ modelIdentifier: 'nobody.nothing-v1:0' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    const invalid = await failure(client.send(new GetFoundationModelCommand({ modelIdentifier: 'a/b' })));
    expect(invalid.name).toBe('ValidationException');
  });

  it('verifies the SigV4 signature of control-plane calls', async () => {
    const wrong = new BedrockClient({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: { accessKeyId: emu.credentials.accessKeyId, secretAccessKey: 'wrong' },
    });
    const error = await failure(wrong.send(new ListFoundationModelsCommand({})));
    wrong.destroy();
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });
});
