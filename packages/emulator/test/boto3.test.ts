/**
 * The emulator through Python's boto3, as an application in another language uses it: pointed at the
 * emulator only by the standard environment variables, `invoke_model` with no `contentType` or
 * `accept` (boto3 sends neither unless told to), async invoke, the `bedrock` control-plane client,
 * and error classes as boto3 parses them. python/boto3_cases.py makes the calls; this file builds the
 * requests (bodies after AWS's model pages) and checks every answer against the emulator's own
 * expected vectors. Without boto3 it prints "skipped: no boto3", and fails when CI=true.
 */
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, MEDIA_HEADERS, png } from './models-fixtures.js';
import { pythonWithBoto3, run } from './support.js';

const SCRIPT = fileURLToPath(new URL('./python/boto3_cases.py', import.meta.url));

interface Outcome {
  name: string;
  ok: boolean;
  result?: Record<string, unknown> & { body?: Record<string, unknown> };
  error?: { code: string; class: string; modeled: boolean; status: number; message: string };
}

const hasBoto3 = pythonWithBoto3 !== undefined;

let emu: Emulator;
const BUCKET = 'boto3-output';

/** The environment an application gets to reach the emulator (no endpoint in code). */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
    AWS_ENDPOINT_URL_BEDROCK: emu.endpoint,
    AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
    AWS_DEFAULT_REGION: emu.region,
    AWS_REGION: emu.region,
    // No shared config or credentials file of the machine may change the outcome.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...extra,
  };
  return env;
}

/** Runs the cases through boto3 and returns the outcomes by name. */
async function boto3(cases: object[], env: NodeJS.ProcessEnv = {}): Promise<Map<string, Outcome>> {
  const { code, stdout, stderr } = await run(pythonWithBoto3!, [SCRIPT], {
    input: JSON.stringify(cases),
    env: environment(env),
  });
  if (code !== 0) throw new Error(`boto3_cases.py exited with ${code}: ${stderr}`);
  const outcomes = JSON.parse(stdout) as Outcome[];
  expect(outcomes).toHaveLength(cases.length);
  return new Map(outcomes.map((o) => [o.name, o]));
}

/** The outcome's result, failing with boto3's error when the call failed. */
function ok(outcomes: Map<string, Outcome>, name: string): NonNullable<Outcome['result']> {
  const outcome = outcomes.get(name);
  if (!outcome?.ok) throw new Error(`${name}: ${JSON.stringify(outcome?.error)}`);
  return outcome.result!;
}

const TITAN_V1 = 'amazon.titan-embed-text-v1';
const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const TITAN_IMAGE = 'amazon.titan-embed-image-v1';
const COHERE_EN = 'cohere.embed-english-v3';
const COHERE_ML = 'cohere.embed-multilingual-v3';
const COHERE_V4 = 'us.cohere.embed-v4:0';
const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';
const MARENGO_27 = 'us.twelvelabs.marengo-embed-2-7-v1:0';
const MARENGO_30 = 'us.twelvelabs.marengo-embed-3-0-v1:0';

const IMAGE = png(32, 24, 7);
const IMAGE_B64 = b64(IMAGE);
const IMAGE_URI = `data:image/png;base64,${IMAGE_B64}`;
const OTHER_IMAGE = png(16, 16, 3);

type Extract = (body: Record<string, unknown>) => unknown;
const titan: Extract = (b) => b.embedding;
const cohere: Extract = (b) => (b.embeddings as number[][])[0];
const nova: Extract = (b) => (b.embeddings as Array<{ embedding: number[] }>)[0]?.embedding;
const marengo: Extract = (b) => (b.data as Array<{ embedding: number[] }>)[0]?.embedding;
const novaBody = (params: Record<string, unknown>) => ({
  taskType: 'SINGLE_EMBEDDING',
  singleEmbeddingParams: { embeddingPurpose: 'GENERIC_INDEX', embeddingDimension: 3072, ...params },
});

/** Every model and modality the emulator serves synchronously: body, how to read the vector, expected input. */
const INVOKES: Array<{
  name: string;
  model: string;
  body: unknown;
  extract: Extract;
  expected: () => number[];
}> = [
  {
    name: 'Titan G1 text',
    model: TITAN_V1,
    body: { inputText: 'hello world' },
    extract: titan,
    expected: () => emu.expectedEmbedding(TITAN_V1, 'hello world'),
  },
  {
    name: 'Titan v2 text',
    model: TITAN_V2,
    body: { inputText: 'hello world', dimensions: 512, normalize: true },
    extract: titan,
    expected: () => emu.expectedEmbedding(TITAN_V2, 'hello world', { dimensions: 512 }),
  },
  {
    name: 'Titan Multimodal text',
    model: TITAN_IMAGE,
    body: { inputText: 'a red square' },
    extract: titan,
    expected: () => emu.expectedEmbedding(TITAN_IMAGE, 'a red square'),
  },
  {
    name: 'Titan Multimodal image',
    model: TITAN_IMAGE,
    body: { inputImage: IMAGE_B64, embeddingConfig: { outputEmbeddingLength: 384 } },
    extract: titan,
    expected: () => emu.expectedEmbedding(TITAN_IMAGE, { image: IMAGE }, { dimensions: 384 }),
  },
  {
    name: 'Titan Multimodal text and image',
    model: TITAN_IMAGE,
    body: { inputText: 'a red square', inputImage: IMAGE_B64 },
    extract: titan,
    expected: () => emu.expectedEmbedding(TITAN_IMAGE, { text: 'a red square', image: IMAGE }),
  },
  {
    name: 'Cohere English v3 texts',
    model: COHERE_EN,
    body: { texts: ['hello world'], input_type: 'search_document' },
    extract: cohere,
    expected: () => emu.expectedEmbedding(COHERE_EN, 'hello world'),
  },
  {
    name: 'Cohere English v3 image',
    model: COHERE_EN,
    body: { images: [IMAGE_URI], input_type: 'image' },
    extract: cohere,
    expected: () => emu.expectedEmbedding(COHERE_EN, { image: IMAGE }),
  },
  {
    name: 'Cohere Multilingual v3 texts',
    model: COHERE_ML,
    body: { texts: ['bonjour le monde'], input_type: 'search_query' },
    extract: cohere,
    expected: () => emu.expectedEmbedding(COHERE_ML, 'bonjour le monde', { purpose: 'query' }),
  },
  {
    name: 'Cohere v4 texts (us. profile)',
    model: COHERE_V4,
    body: { texts: ['hello world'], input_type: 'search_document', output_dimension: 256 },
    extract: cohere,
    expected: () => emu.expectedEmbedding(COHERE_V4, 'hello world', { dimensions: 256 }),
  },
  {
    name: 'Cohere v4 images (us. profile)',
    model: COHERE_V4,
    body: { images: [IMAGE_URI], input_type: 'search_document' },
    extract: cohere,
    expected: () => emu.expectedEmbedding(COHERE_V4, { image: IMAGE }),
  },
  {
    name: 'Cohere v4 interleaved inputs (us. profile)',
    model: COHERE_V4,
    body: {
      inputs: [
        {
          content: [
            { type: 'text', text: 'a chart' },
            { type: 'image_url', image_url: IMAGE_URI },
          ],
        },
      ],
      input_type: 'search_document',
    },
    extract: cohere,
    expected: () => emu.expectedEmbedding(COHERE_V4, { text: 'a chart', image: IMAGE }),
  },
  {
    name: 'Nova text',
    model: NOVA,
    body: novaBody({ text: { truncationMode: 'END', value: 'hello world' } }),
    extract: nova,
    expected: () => emu.expectedEmbedding(NOVA, 'hello world'),
  },
  {
    name: 'Nova image',
    model: NOVA,
    body: novaBody({ image: { format: 'png', source: { bytes: IMAGE_B64 } } }),
    extract: nova,
    expected: () => emu.expectedEmbedding(NOVA, { image: IMAGE }),
  },
  {
    name: 'Nova audio (S3)',
    model: NOVA,
    body: novaBody({ audio: { format: 'mp3', source: { s3Location: { uri: 's3://media/talk.mp3' } } } }),
    extract: nova,
    expected: () => emu.expectedEmbedding(NOVA, { audio: 's3://media/talk.mp3' }),
  },
  {
    name: 'Nova video (inline)',
    model: NOVA,
    body: novaBody({
      video: {
        format: 'mp4',
        embeddingMode: 'AUDIO_VIDEO_COMBINED',
        source: { bytes: b64(MEDIA_HEADERS.mp4) },
      },
    }),
    extract: nova,
    expected: () => emu.expectedEmbedding(NOVA, { video: MEDIA_HEADERS.mp4 }),
  },
  {
    name: 'Marengo 2.7 text (us. profile)',
    model: MARENGO_27,
    body: { inputType: 'text', inputText: 'a man riding a horse' },
    extract: marengo,
    expected: () => emu.expectedEmbedding(MARENGO_27, 'a man riding a horse'),
  },
  {
    name: 'Marengo 2.7 image (us. profile)',
    model: MARENGO_27,
    body: { inputType: 'image', mediaSource: { base64String: IMAGE_B64 } },
    extract: marengo,
    expected: () => emu.expectedEmbedding(MARENGO_27, { image: IMAGE }),
  },
  {
    name: 'Marengo 3.0 text (us. profile)',
    model: MARENGO_30,
    body: { inputType: 'text', text: { inputText: 'a man riding a horse' } },
    extract: marengo,
    expected: () => emu.expectedEmbedding(MARENGO_30, 'a man riding a horse'),
  },
  {
    name: 'Marengo 3.0 image (us. profile)',
    model: MARENGO_30,
    body: { inputType: 'image', image: { mediaSource: { base64String: IMAGE_B64 } } },
    extract: marengo,
    expected: () => emu.expectedEmbedding(MARENGO_30, { image: IMAGE }),
  },
  {
    name: 'Marengo 3.0 text_image (us. profile)',
    model: MARENGO_30,
    body: {
      inputType: 'text_image',
      text_image: { inputText: 'a horse', mediaSource: { base64String: IMAGE_B64 } },
    },
    extract: marengo,
    expected: () => emu.expectedEmbedding(MARENGO_30, { text: 'a horse', image: IMAGE }),
  },
  {
    name: 'Marengo 3.0 multi_input (us. profile)',
    model: MARENGO_30,
    body: {
      inputType: 'multi_input',
      multi_input: {
        inputText: 'two horses',
        mediaSources: [
          { name: 'image0', mediaType: 'image', base64String: IMAGE_B64 },
          { name: 'image1', mediaType: 'image', base64String: b64(OTHER_IMAGE) },
        ],
      },
    },
    extract: marengo,
    expected: () => emu.expectedEmbedding(MARENGO_30, { text: 'two horses', images: [IMAGE, OTHER_IMAGE] }),
  },
];

describe.runIf(hasBoto3)('boto3', () => {
  beforeAll(async () => {
    emu = await startEmulator({ asyncJobDurationMs: 20, buckets: [BUCKET] });
  });
  afterAll(() => emu?.stop());

  it('invoke_model without contentType or accept returns the expected vector for every model and modality', async () => {
    const outcomes = await boto3(
      INVOKES.map(({ name, model, body }) => ({
        name,
        service: 'bedrock-runtime',
        method: 'invoke_model',
        params: { modelId: model },
        body,
      })),
    );
    for (const { name, extract, expected } of INVOKES) {
      const result = ok(outcomes, name);
      expect(result.contentType, name).toBe('application/json');
      expect(extract(result.body!), name).toEqual(expected());
    }
    // Each call really went out without the headers the JS SDK adds.
    expect(emu.stats().requests.byOperation.InvokeModel).toBe(INVOKES.length);
  });

  it('start_async_invoke, get_async_invoke and list_async_invokes (paginated)', async () => {
    const output = (prefix: string) => ({ s3OutputDataConfig: { s3Uri: `s3://${BUCKET}/${prefix}` } });
    const outcomes = await boto3([
      {
        name: 'nova',
        service: 'bedrock-runtime',
        method: 'start_async_invoke',
        wait: true,
        params: {
          modelId: NOVA,
          modelInput: {
            taskType: 'SEGMENTED_EMBEDDING',
            segmentedEmbeddingParams: {
              embeddingPurpose: 'GENERIC_INDEX',
              embeddingDimension: 1024,
              video: {
                format: 'mp4',
                embeddingMode: 'AUDIO_VIDEO_COMBINED',
                source: { s3Location: { uri: 's3://media/clip.mp4' } },
                segmentationConfig: { durationSeconds: 10 },
              },
            },
          },
          outputDataConfig: output('nova'),
        },
      },
      {
        name: 'marengo',
        service: 'bedrock-runtime',
        method: 'start_async_invoke',
        wait: true,
        params: {
          modelId: 'twelvelabs.marengo-embed-2-7-v1:0',
          modelInput: { inputType: 'video', mediaSource: { s3Location: { uri: 's3://media/clip.mp4' } } },
          outputDataConfig: output('marengo'),
        },
      },
      {
        name: 'list',
        service: 'bedrock-runtime',
        method: 'list_async_invokes',
        paginate: true,
        params: { PaginationConfig: { PageSize: 1 } },
      },
      {
        name: 'unknown job',
        service: 'bedrock-runtime',
        method: 'get_async_invoke',
        params: { invocationArn: `arn:aws:bedrock:us-east-1:${emu.accountId}:async-invoke/abcdefabcdef` },
      },
    ]);
    const arns: string[] = [];
    for (const name of ['nova', 'marengo']) {
      const result = ok(outcomes, name);
      const job = result.job as { status: string; invocationArn: string; outputDataConfig: unknown };
      expect(result.invocationArn).toMatch(/^arn:aws:bedrock:us-east-1:\d{12}:async-invoke\/[a-z0-9]{12}$/);
      expect(job.status, name).toBe('Completed');
      expect(job.invocationArn).toBe(result.invocationArn);
      arns.push(job.invocationArn);
    }
    const pages = ok(outcomes, 'list').pages as Array<{
      asyncInvokeSummaries: Array<{ invocationArn: string }>;
    }>;
    expect(pages.map((p) => p.asyncInvokeSummaries.map((j) => j.invocationArn))).toEqual([
      [arns[1]],
      [arns[0]],
    ]);
    expect(outcomes.get('unknown job')?.error).toMatchObject({ code: 'ValidationException', modeled: true });
  });

  it('the bedrock control-plane client: inference profiles and foundation models', async () => {
    const profile = emu.registerApplicationProfile({ modelId: COHERE_V4, name: 'boto3-profile' });
    const outcomes = await boto3([
      {
        name: 'system',
        service: 'bedrock',
        method: 'get_inference_profile',
        params: { inferenceProfileIdentifier: COHERE_V4 },
      },
      {
        name: 'application',
        service: 'bedrock',
        method: 'get_inference_profile',
        params: { inferenceProfileIdentifier: profile.inferenceProfileArn },
      },
      {
        name: 'missing',
        service: 'bedrock',
        method: 'get_inference_profile',
        params: { inferenceProfileIdentifier: 'us.acme.embed-v9:0' },
      },
      {
        name: 'list system',
        service: 'bedrock',
        method: 'list_inference_profiles',
        paginate: true,
        params: { PaginationConfig: { PageSize: 2 } },
      },
      {
        name: 'list application',
        service: 'bedrock',
        method: 'list_inference_profiles',
        params: { typeEquals: 'APPLICATION' },
      },
      { name: 'models', service: 'bedrock', method: 'list_foundation_models', params: {} },
      {
        name: 'marengo 2.7',
        service: 'bedrock',
        method: 'get_foundation_model',
        params: { modelIdentifier: 'twelvelabs.marengo-embed-2-7-v1:0' },
      },
    ]);
    const system = ok(outcomes, 'system');
    expect(system).toMatchObject({ inferenceProfileId: COHERE_V4, type: 'SYSTEM_DEFINED', status: 'ACTIVE' });
    expect(system.models).toContainEqual({
      modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/cohere.embed-v4:0',
    });
    const application = ok(outcomes, 'application');
    expect(application).toMatchObject({ inferenceProfileName: 'boto3-profile', type: 'APPLICATION' });
    expect(application.models).toEqual(system.models);
    expect(outcomes.get('missing')?.error).toMatchObject({
      code: 'ResourceNotFoundException',
      modeled: true,
      status: 404,
    });
    const pages = ok(outcomes, 'list system').pages as Array<{
      inferenceProfileSummaries: Array<{ inferenceProfileId: string }>;
    }>;
    const ids = pages.flatMap((p) => p.inferenceProfileSummaries.map((s) => s.inferenceProfileId));
    expect(pages.length).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(COHERE_V4);
    expect(
      (
        ok(outcomes, 'list application').inferenceProfileSummaries as Array<{ inferenceProfileArn: string }>
      ).map((s) => s.inferenceProfileArn),
    ).toEqual([profile.inferenceProfileArn]);
    const models = ok(outcomes, 'models').modelSummaries as Array<{ modelId: string }>;
    expect(models.map((m) => m.modelId)).toEqual(
      expect.arrayContaining(['amazon.titan-embed-text-v2:0', 'cohere.rerank-v3-5:0', 'amazon.rerank-v1:0']),
    );
    const marengoDetails = ok(outcomes, 'marengo 2.7').modelDetails as {
      modelLifecycle: { status: string; endOfLifeTime: string };
      inferenceTypesSupported: string[];
    };
    expect(marengoDetails.modelLifecycle.status).toBe('LEGACY');
    expect(marengoDetails.modelLifecycle.endOfLifeTime).toMatch(/^2026-11-30/);
    expect(marengoDetails.inferenceTypesSupported).toEqual(['INFERENCE_PROFILE']);
  });

  it('error classes as boto3 parses them: Validation, ResourceNotFound, Throttling, AccessDenied', async () => {
    emu.configure({ quotas: { [TITAN_V1]: { requestsPerMinute: 1 } } });
    try {
      const call = (name: string, modelId: string, body: unknown) => ({
        name,
        service: 'bedrock-runtime',
        method: 'invoke_model',
        retries: false,
        params: { modelId },
        body,
      });
      const outcomes = await boto3([
        call('validation', TITAN_V2, { inputText: 'x', dimensions: 7 }),
        call('bad id', 'a/b', { inputText: 'x' }),
        call('not found', 'acme.embed-v9:0', { inputText: 'x' }),
        call('first', TITAN_V1, { inputText: 'x' }),
        call('throttled', TITAN_V1, { inputText: 'x' }),
      ]);
      expect(outcomes.get('validation')?.error).toMatchObject({
        code: 'ValidationException',
        modeled: true,
        status: 400,
      });
      expect(outcomes.get('validation')?.error?.message).toMatch(/dimensions/);
      expect(outcomes.get('bad id')?.error).toMatchObject({
        code: 'ValidationException',
        modeled: true,
        status: 400,
      });
      expect(outcomes.get('not found')?.error).toMatchObject({
        code: 'ResourceNotFoundException',
        modeled: true,
        status: 404,
      });
      expect(outcomes.get('first')?.ok).toBe(true);
      expect(outcomes.get('throttled')?.error).toMatchObject({
        code: 'ThrottlingException',
        modeled: true,
        status: 429,
      });
    } finally {
      emu.configure({ quotas: undefined });
    }
    // A Bedrock API key boto3 reads from AWS_BEARER_TOKEN_BEDROCK: a wrong one is AccessDenied; the right one works.
    const keyCase = (name: string) => ({
      name,
      service: 'bedrock-runtime',
      method: 'invoke_model',
      retries: false,
      params: { modelId: TITAN_V2 },
      body: { inputText: 'x' },
    });
    const denied = await boto3([keyCase('wrong key')], { AWS_BEARER_TOKEN_BEDROCK: 'ABSK-not-a-key' });
    expect(denied.get('wrong key')?.error).toMatchObject({
      code: 'AccessDeniedException',
      modeled: true,
      status: 403,
    });
    const allowed = await boto3([keyCase('right key')], { AWS_BEARER_TOKEN_BEDROCK: emu.apiKey });
    expect(allowed.get('right key')?.ok).toBe(true);
  });
});

describe.skipIf(hasBoto3)('boto3 (not installed)', () => {
  it('is required where CI runs', () => {
    if (process.env.CI === 'true') {
      throw new Error('python3 with boto3 is missing: the boto3 compatibility tests must run on CI');
    }
    console.log('skipped: no boto3');
  });
});
