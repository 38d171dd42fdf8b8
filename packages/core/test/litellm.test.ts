/**
 * The LiteLLM-compatible layer against the emulator over HTTP: response shapes, parameter mapping
 * (encoding_format, drop_params, provider parameters), the seed's error messages, async routes and
 * retrieveBatch, and client reuse.
 */
import {
  createBedrockEmbeddings,
  families,
  UnsupportedParameterError,
  ValidationError,
} from '@bedrock-embeddings/core';
import { embedding, retrieveBatch } from '@bedrock-embeddings/core/litellm';
import { type Emulator, expectedSegments, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withEnv } from './reliability-helpers.js';

let emu: Emulator;
/** The AWS parameters LiteLLM callers pass, pointed at the emulator. */
let aws: {
  aws_region_name: string;
  aws_access_key_id: string;
  aws_secret_access_key: string;
  aws_bedrock_runtime_endpoint: string;
};
const OUT = 's3://litellm-out/async-invoke-output/';
const MARENGO_ASYNC = 'bedrock/async_invoke/us.twelvelabs.marengo-embed-2-7-v1:0';
const PROFILE_ARN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';

beforeAll(async () => {
  emu = await startEmulator({
    buckets: ['litellm-out'],
    asyncJobDurationMs: 50,
    applicationProfiles: { [PROFILE_ARN]: 'cohere.embed-v4:0' },
  });
  aws = {
    aws_region_name: emu.region,
    aws_access_key_id: emu.credentials.accessKeyId,
    aws_secret_access_key: emu.credentials.secretAccessKey,
    aws_bedrock_runtime_endpoint: emu.endpoint,
  };
});
afterAll(async () => {
  await emu?.stop();
});
beforeEach(() => emu.reset());

const sent = () => emu.stats().requests.total;

/** The segments of a job once it has finished, read through the core (the layer has no such call). */
async function finishedSegments(invocationArn: string) {
  const core = createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    s3Endpoint: emu.s3Endpoint,
  });
  await core.waitForAsyncEmbed(invocationArn, { pollIntervalMs: 20 });
  return (await core.getAsyncEmbedResults(invocationArn)).segments;
}

describe('embedding() on sync routes', () => {
  it('returns the OpenAI-shaped response with the emulator vectors, in input order', async () => {
    const input = ['good morning from litellm', 'good evening from litellm'];
    const response = await embedding({ model: 'bedrock/amazon.titan-embed-text-v1', input, ...aws });
    expect(response.object).toBe('list');
    expect(response.model).toBe('amazon.titan-embed-text-v1');
    expect(response.data).toEqual(
      input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: emu.expectedEmbedding('amazon.titan-embed-text-v1', text),
      })),
    );
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
    expect(response.usage.total_tokens).toBe(response.usage.prompt_tokens);
    expect(response._hidden_params.usage_reported).toBe(true);
    expect(response._hidden_params._invocation_arn).toBeUndefined();
  });

  it('takes a single string', async () => {
    const response = await embedding({
      model: 'bedrock/amazon.titan-embed-text-v2:0',
      input: 'hello',
      ...aws,
    });
    expect(response.data).toHaveLength(1);
    expect(response.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('amazon.titan-embed-text-v2:0', 'hello'),
    );
  });

  it("returns OpenAI's base64 (float32 little-endian) for encoding_format base64, on any model", async () => {
    const response = await embedding({
      model: 'bedrock/amazon.titan-embed-text-v1',
      input: 'encode me',
      encoding_format: 'base64',
      ...aws,
    });
    const encoded = response.data[0]!.embedding as string;
    expect(typeof encoded).toBe('string');
    const bytes = Buffer.from(encoded, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(
      Array.from(Float32Array.from(emu.expectedEmbedding('amazon.titan-embed-text-v1', 'encode me'))),
    );
  });

  it('accepts encoding_format float where LiteLLM rejects it (Titan v1, Nova)', async () => {
    for (const model of ['amazon.titan-embed-text-v1', 'amazon.nova-2-multimodal-embeddings-v1:0']) {
      const response = await embedding({
        model: `bedrock/${model}`,
        input: 'x',
        encoding_format: 'float',
        ...aws,
      });
      expect(response.data[0]!.embedding).toEqual(emu.expectedEmbedding(model, 'x'));
    }
  });

  it('maps dimensions per model', async () => {
    const nova = await embedding({
      model: 'bedrock/amazon.nova-2-multimodal-embeddings-v1:0',
      input: 'x',
      dimensions: 256,
      ...aws,
    });
    expect(nova.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('amazon.nova-2-multimodal-embeddings-v1:0', 'x', { dimensions: 256 }),
    );
    const titan = await embedding({
      model: 'bedrock/amazon.titan-embed-text-v2:0',
      input: 'x',
      dimensions: 512,
      ...aws,
    });
    expect(titan.data[0]!.embedding).toHaveLength(512);
  });

  it('raises the unsupported-params error with the drop_params hint, and drops with a warning', async () => {
    const before = sent();
    const error = await embedding({
      model: 'bedrock/amazon.titan-embed-text-v1',
      input: 'x',
      dimensions: 256,
      ...aws,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(UnsupportedParameterError);
    expect(error.message).toContain(
      "bedrock does not support parameters: ['dimensions'], for model=amazon.titan-embed-text-v1",
    );
    expect(error.message).toContain('drop_params');
    expect(sent()).toBe(before);

    const dropped = await embedding({
      model: 'bedrock/amazon.titan-embed-text-v1',
      input: 'x',
      dimensions: 256,
      drop_params: true,
      ...aws,
    });
    expect(dropped.data[0]!.embedding).toEqual(emu.expectedEmbedding('amazon.titan-embed-text-v1', 'x'));
    expect(dropped._hidden_params.warnings.map((w) => w.parameter)).toEqual(['dimensions']);
  });

  it("names the caller's provider parameter in the unsupported-params error", async () => {
    const error = await embedding({
      model: 'bedrock/amazon.titan-embed-text-v1',
      input: 'x',
      embedding_types: ['int8'],
      ...aws,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(UnsupportedParameterError);
    expect(error.parameter).toBe('embedding_types');
    expect(error.message).toContain("['embedding_types']");
  });

  it("maps Cohere's input_type and embedding_types (deduplicated), keeping float vectors in data", async () => {
    const model = 'cohere.embed-english-v3';
    const response = await embedding({
      model: `bedrock/${model}`,
      input: ['what is bedrock?', 'and litellm?'],
      input_type: 'search_query',
      embedding_types: ['float', 'int8', 'int8'],
      ...aws,
    });
    expect(response.data.map((d) => d.embedding)).toEqual([
      emu.expectedEmbedding(model, 'what is bedrock?', { purpose: 'query' }),
      emu.expectedEmbedding(model, 'and litellm?', { purpose: 'query' }),
    ]);
    expect(response._hidden_params.embeddings_by_type?.int8?.[0]).toEqual(
      emu.expectedEmbedding(model, 'what is bedrock?', { purpose: 'query', embeddingType: 'int8' }),
    );
  });

  it("maps Nova's embeddingPurpose and Titan's normalize", async () => {
    const nova = 'amazon.nova-2-multimodal-embeddings-v1:0';
    const query = await embedding({
      model: `bedrock/${nova}`,
      input: 'q',
      embeddingPurpose: 'TEXT_RETRIEVAL',
      ...aws,
    });
    expect(query.data[0]!.embedding).toEqual(emu.expectedEmbedding(nova, 'q', { purpose: 'TEXT_RETRIEVAL' }));
    const titan = 'amazon.titan-embed-text-v2:0';
    const raw = await embedding({ model: `bedrock/${titan}`, input: 'q', normalize: false, ...aws });
    expect(raw.data[0]!.embedding).toEqual(emu.expectedEmbedding(titan, 'q', { normalize: false }));
  });

  it('embeds images given as data URLs', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
    const response = await embedding({
      model: 'bedrock/amazon.titan-embed-image-v1',
      input: [dataUrl],
      ...aws,
    });
    expect(response.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('amazon.titan-embed-image-v1', { image: dataUrl }),
    );
    expect(response.usage.prompt_tokens_details?.image_count).toBe(1);
  });

  it('reuses one client, and its connections, for the same configuration', async () => {
    // A configuration no other test uses (the timeout), so its client is new here.
    const config = { ...aws, timeout: 42 };
    for (const input of ['one', 'two', 'three']) {
      await embedding({ model: 'bedrock/amazon.titan-embed-text-v1', input, ...config });
    }
    expect(emu.stats().connections).toBe(1);
  });

  it('calls model_id (an application inference profile) with the family of model', async () => {
    const response = await embedding({
      model: 'bedrock/cohere.embed-v4:0',
      model_id: PROFILE_ARN,
      input: 'through a profile',
      dimensions: 256,
      ...aws,
    });
    expect(response.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('cohere.embed-v4:0', 'through a profile', { dimensions: 256 }),
    );
    expect(emu.stats().requests.byModel['cohere.embed-v4:0']).toBe(1);
  });

  it('looks up an application inference profile given with no model it serves (GetInferenceProfile, once)', async () => {
    const before = emu.stats().requests.byOperation.GetInferenceProfile ?? 0;
    for (const call of [
      { model: `bedrock/${PROFILE_ARN}` },
      { model: 'bedrock/my-embedding-profile', model_id: PROFILE_ARN },
      { model: `bedrock/${PROFILE_ARN}` },
    ]) {
      const response = await embedding({ ...call, input: 'looked up', dimensions: 256, ...aws });
      expect(response.data[0]!.embedding).toEqual(
        emu.expectedEmbedding('cohere.embed-v4:0', 'looked up', { dimensions: 256 }),
      );
    }
    expect((emu.stats().requests.byOperation.GetInferenceProfile ?? 0) - before).toBe(1);
  });

  it('authenticates with api_key (bearer) too', async () => {
    const response = await embedding({
      model: 'bedrock/amazon.titan-embed-text-v1',
      input: 'bearer',
      api_key: emu.apiKey,
      aws_region_name: emu.region,
      aws_bedrock_runtime_endpoint: emu.endpoint,
    });
    expect(response.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('amazon.titan-embed-text-v1', 'bearer'),
    );
  });
});

describe('embedding() on async routes', () => {
  it('starts a job and returns its ARN in _hidden_params, without leaking output_s3_uri', async () => {
    const response = await embedding({
      model: MARENGO_ASYNC,
      input: ['Hello world from LiteLLM async invoke!'],
      input_type: 'text',
      output_s3_uri: OUT,
      ...aws,
    });
    expect(response.object).toBe('list');
    expect(response.data).toEqual([{ object: 'embedding', index: 0, embedding: [] }]);
    expect(response.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
    const arn = response._hidden_params._invocation_arn!;
    expect(arn).toMatch(/^arn:aws:bedrock:us-east-1:\d{12}:async-invoke\/[a-z0-9]+$/);
    expect(response._hidden_params._invocation_arns).toEqual([arn]);

    // The emulator validates Marengo 2.7 bodies strictly: the job only completes if no stray field got in.
    let status = await retrieveBatch({ batch_id: arn, custom_llm_provider: 'bedrock', ...aws });
    while (status.status === 'in_progress') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await retrieveBatch({ batch_id: arn, custom_llm_provider: 'bedrock', ...aws });
    }
    expect(status.status).toBe('completed');
    expect(status.id).toBe(arn);
    expect(status.metadata.output_file_id).toBe(`${OUT}${arn.split('/').pop()}/`);
    expect(status.metadata.failure_message).toBe('');
    expect(status.metadata.model_arn).toBe(
      'arn:aws:bedrock:us-east-1::foundation-model/twelvelabs.marengo-embed-2-7-v1:0',
    );
    expect(status.request_counts).toEqual({ total: 1, completed: 1, failed: 0 });
    expect(Number.isInteger(status.created_at)).toBe(true);
    expect(status.completed_at).toBeGreaterThanOrEqual(status.created_at);
  });

  it('keeps every ARN when several inputs start several jobs', async () => {
    const response = await embedding({
      model: 'bedrock/async_invoke/amazon.nova-2-multimodal-embeddings-v1:0',
      input: ['first', 'second', 'third'],
      output_s3_uri: OUT,
      ...aws,
    });
    const arns = response._hidden_params._invocation_arns!;
    expect(arns).toHaveLength(3);
    expect(new Set(arns).size).toBe(3);
    expect(response.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(response._hidden_params._invocation_arn).toBe(arns[0]);
  });

  it('passes segmentation options to the job', async () => {
    const nova = 'amazon.nova-2-multimodal-embeddings-v1:0';
    const video = 's3://media/video.mp4';
    const response = await embedding({
      model: `bedrock/async_invoke/${nova}`,
      input: [video],
      input_type: 'video',
      segmentation_config: { durationSeconds: 7 },
      output_s3_uri: OUT,
      ...aws,
    });
    const segments = await finishedSegments(response._hidden_params._invocation_arn!);
    expect(segments.map((s) => s.embedding)).toEqual(
      expectedSegments(nova, { video }, { segmentDurationSec: 7 }).map((s) => s.embedding),
    );
  });

  it("passes Marengo 3.0's bucketOwner and clip options to the job", async () => {
    const marengo = 'twelvelabs.marengo-embed-3-0-v1:0';
    const video = 's3://media/talk.mp4';
    const response = await embedding({
      model: `bedrock/async_invoke/us.${marengo}`,
      input: video,
      input_type: 'video',
      bucketOwner: '111122223333',
      embeddingOption: ['visual', 'audio'],
      embeddingScope: ['clip'],
      output_s3_uri: OUT,
      ...aws,
    });
    const segments = await finishedSegments(response._hidden_params._invocation_arn!);
    const expected = expectedSegments(
      marengo,
      { video: { s3Uri: video, bucketOwner: '111122223333' } },
      { embeddingOptions: ['visual', 'audio'], embeddingScope: ['clip'] },
    );
    expect(segments.map((s) => [s.embeddingOption, s.embedding])).toEqual(
      expected.map((s) => [s.embeddingOption, s.embedding]),
    );
  });

  it('reports a failed job with its failure message', async () => {
    emu.configure({ failAsyncJobs: { message: 'Unable to decode the video' } });
    try {
      const failing = await embedding({
        model: MARENGO_ASYNC,
        input: ['s3://media/corrupt.mp4'],
        input_type: 'video',
        output_s3_uri: OUT,
        ...aws,
      });
      const arn = failing._hidden_params._invocation_arn!;
      let status = await retrieveBatch({ batch_id: arn, custom_llm_provider: 'bedrock', ...aws });
      while (status.status === 'in_progress') {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = await retrieveBatch({ batch_id: arn, custom_llm_provider: 'bedrock', ...aws });
      }
      expect(status.status).toBe('failed');
      expect(status.metadata.failure_message).toBe('Unable to decode the video');
      expect(status.request_counts).toEqual({ total: 1, completed: 0, failed: 1 });
      expect(status.failed_at).toBeGreaterThanOrEqual(status.created_at);
    } finally {
      emu.configure({ failAsyncJobs: undefined });
    }
  });
});

describe('retrieveBatch()', () => {
  it('asks the region in the ARN when aws_region_name is not given', async () => {
    // An emulator in a region no default gives: it accepts only requests signed for eu-central-1.
    const away = await startEmulator({
      region: 'eu-central-1',
      credentials: emu.credentials,
      buckets: ['litellm-out'],
      asyncJobDurationMs: 50,
    });
    try {
      const there = { ...aws, aws_region_name: away.region, aws_bedrock_runtime_endpoint: away.endpoint };
      const started = await embedding({
        model: MARENGO_ASYNC,
        input: 'hello',
        input_type: 'text',
        output_s3_uri: OUT,
        ...there,
      });
      expect(started._hidden_params._invocation_arn).toContain(':eu-central-1:');
      const { aws_region_name: _, ...noRegion } = there;
      const status = await withEnv(
        { AWS_REGION: undefined, AWS_REGION_NAME: undefined, AWS_DEFAULT_REGION: undefined },
        () =>
          retrieveBatch({
            batch_id: started._hidden_params._invocation_arn!,
            custom_llm_provider: 'bedrock',
            ...noRegion,
          }),
      );
      expect(['in_progress', 'completed']).toContain(status.status);
      expect(away.stats().requests.byOperation.GetAsyncInvoke).toBe(1);
    } finally {
      await away.stop();
    }
  });

  it('rejects other providers and ids that are not async invoke ARNs', async () => {
    await expect(
      retrieveBatch({ batch_id: 'batch_123', custom_llm_provider: 'bedrock', ...aws }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      retrieveBatch({
        batch_id: 'arn:aws:bedrock:us-east-1:123456789012:async-invoke/abc',
        custom_llm_provider: 'openai' as 'bedrock',
        ...aws,
      }),
    ).rejects.toThrow(/custom_llm_provider/);
  });
});

describe("the seed's error table, raised before any request", () => {
  const cases: [string, () => Promise<unknown>, string, string][] = [
    [
      'async route without output_s3_uri',
      () => embedding({ model: MARENGO_ASYNC, input: ['Hello world'], input_type: 'text', ...aws }),
      'output_s3_uri cannot be empty for async invoke requests',
      'output_s3_uri',
    ],
    [
      'async route with a blank output_s3_uri',
      () =>
        embedding({
          model: MARENGO_ASYNC,
          input: ['Hello world'],
          input_type: 'text',
          output_s3_uri: '  ',
          ...aws,
        }),
      'output_s3_uri cannot be empty for async invoke requests',
      'output_s3_uri',
    ],
    [
      'video on a sync route',
      () =>
        embedding({
          model: 'bedrock/us.twelvelabs.marengo-embed-2-7-v1:0',
          input: ['s3://your-bucket/video.mp4'],
          input_type: 'video',
          ...aws,
        }),
      "Input type 'video' requires async_invoke route. Use model format: 'bedrock/async_invoke/model_id'",
      'input_type',
    ],
    [
      'audio on a sync route, detected from the URI',
      () =>
        embedding({
          model: 'bedrock/us.twelvelabs.marengo-embed-3-0-v1:0',
          input: ['s3://bucket/talk.mp3'],
          ...aws,
        }),
      "Input type 'audio' requires async_invoke route",
      'input[0]',
    ],
    [
      'a modality that cannot be inferred',
      () =>
        embedding({
          model: MARENGO_ASYNC,
          input: ['s3://your-bucket/asset-0042'],
          output_s3_uri: OUT,
          ...aws,
        }),
      'input_type is required',
      'input_type',
    ],
    [
      'a malformed output_s3_uri',
      () =>
        embedding({
          model: MARENGO_ASYNC,
          input: 'x',
          input_type: 'text',
          output_s3_uri: 'your-bucket/out',
          ...aws,
        }),
      'output_s3_uri `your-bucket/out` is not a valid S3 location',
      'output_s3_uri',
    ],
    [
      'an unknown input_type',
      () =>
        embedding({
          model: 'bedrock/amazon.titan-embed-text-v2:0',
          input: 'x',
          input_type: 'picture',
          ...aws,
        }),
      'input_type must be one of',
      'input_type',
    ],
    [
      'an input_type that is an inherited property name',
      () =>
        embedding({
          model: 'bedrock/amazon.titan-embed-text-v2:0',
          input: 'x',
          input_type: 'toString',
          ...aws,
        }),
      'input_type must be one of',
      'input_type',
    ],
    [
      'an embeddingPurpose that is an inherited property name',
      () =>
        embedding({
          model: 'bedrock/amazon.nova-2-multimodal-embeddings-v1:0',
          input: 'x',
          embeddingPurpose: 'constructor',
          ...aws,
        }),
      'embeddingPurpose must be one of',
      'embeddingPurpose',
    ],
    [
      'an unsupported encoding_format',
      () =>
        embedding({
          model: 'bedrock/amazon.titan-embed-text-v2:0',
          input: 'x',
          encoding_format: 'int8' as 'float',
          ...aws,
        }),
      "encoding_format must be 'float' or 'base64'",
      'encoding_format',
    ],
    [
      'only one half of the access key',
      () =>
        embedding({
          model: 'bedrock/amazon.titan-embed-text-v2:0',
          input: 'x',
          aws_access_key_id: 'AKIAEXAMPLE',
          aws_region_name: 'us-east-1',
        }),
      'aws_access_key_id and aws_secret_access_key must be given together',
      'aws_secret_access_key',
    ],
    [
      'an async route for a model without async support',
      () =>
        embedding({
          model: 'bedrock/async_invoke/cohere.embed-v4:0',
          input: 'x',
          output_s3_uri: OUT,
          ...aws,
        }),
      'does not support async invoke',
      'model',
    ],
    [
      'media given as an http(s) URL',
      () =>
        embedding({
          model: MARENGO_ASYNC,
          input: ['https://example.com/video.mp4'],
          input_type: 'video',
          output_s3_uri: OUT,
          ...aws,
        }),
      'http(s) URL',
      'input[0].video',
    ],
  ];
  for (const [name, call, message, parameter] of cases) {
    it(`rejects ${name}`, async () => {
      const before = sent();
      const error = (await call().catch((e: unknown) => e)) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(message);
      expect(error.parameter).toBe(parameter);
      expect(sent()).toBe(before);
    });
  }

  it('never puts credentials in an error message', async () => {
    const error = await embedding({
      model: 'bedrock/amazon.titan-embed-text-v1',
      input: 'x',
      ...aws,
      aws_secret_access_key: 'wrongwrongwrongwrongwrongwrong',
    }).catch((e) => e);
    expect(error.name).toBe('AuthError');
    expect(error.message).not.toContain('wrongwrongwrongwrongwrongwrong');
  });
});

describe("each model family's native truncate values", () => {
  const V4 = 'cohere.embed-v4:0';
  const text = 'alpha beta gamma delta epsilon zeta eta theta';
  /** The core's own answer for a truncate mode, with a token budget small enough to truncate `text`. */
  async function coreVector(truncate: 'start' | 'end'): Promise<number[]> {
    const core = createBedrockEmbeddings({
      endpoint: emu.endpoint,
      region: emu.region,
      credentials: emu.credentials,
    });
    const result = await core.embed({
      model: V4,
      inputs: [text],
      truncate,
      providerOptions: { max_tokens: 3 },
    });
    return result.embeddings[0]!;
  }

  it("takes Cohere v4's LEFT and RIGHT as the core's start and end", async () => {
    const left = await embedding({
      model: `bedrock/${V4}`,
      input: text,
      truncate: 'LEFT',
      max_tokens: 3,
      ...aws,
    });
    const right = await embedding({
      model: `bedrock/${V4}`,
      input: text,
      truncate: 'RIGHT',
      max_tokens: 3,
      ...aws,
    });
    expect(left.data[0]!.embedding).not.toEqual(right.data[0]!.embedding);
    expect(left.data[0]!.embedding).toEqual(await coreVector('start'));
    expect(right.data[0]!.embedding).toEqual(await coreVector('end'));
    const none = await embedding({ model: `bedrock/${V4}`, input: 'short', truncate: 'NONE', ...aws });
    expect(none.data[0]!.embedding).toEqual(emu.expectedEmbedding(V4, 'short', { truncate: 'NONE' }));
  });

  it('takes Cohere v3 and Nova START/END/NONE, and Marengo 2.7 end/none', async () => {
    // Texts over each model's token limit, so the mode decides the vector (a short text would not).
    const words = (count: number) => Array.from({ length: count }, (_, i) => `w${i % 9}`).join(' ');
    const v3Text = words(600); // Cohere v3: 512 tokens
    const v3 = await embedding({
      model: 'bedrock/cohere.embed-english-v3',
      input: v3Text,
      truncate: 'START',
      ...aws,
    });
    expect(v3.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('cohere.embed-english-v3', v3Text, { truncate: 'START' }),
    );
    expect(v3.data[0]!.embedding).not.toEqual(
      emu.expectedEmbedding('cohere.embed-english-v3', v3Text, { truncate: 'END' }),
    );
    const nova = 'amazon.nova-2-multimodal-embeddings-v1:0';
    // Nova: 8,192 tokens; distinct ends, so keeping the start or the end gives different vectors.
    const novaText = `${'alpha '.repeat(200)}${words(8_000)}${' omega'.repeat(200)}`;
    const novaResponse = await embedding({
      model: `bedrock/${nova}`,
      input: novaText,
      truncation_mode: 'START',
      ...aws,
    });
    expect(novaResponse.data[0]!.embedding).toEqual(
      emu.expectedEmbedding(nova, novaText, { truncate: 'START' }),
    );
    expect(novaResponse.data[0]!.embedding).not.toEqual(
      emu.expectedEmbedding(nova, novaText, { truncate: 'END' }),
    );
    const none = await embedding({
      model: `bedrock/${nova}`,
      input: novaText,
      truncation_mode: 'NONE',
      ...aws,
    }).catch((e) => e);
    expect(none.name).toBe('ValidationError'); // NONE over the limit: Bedrock refuses
    const marengo = 'us.twelvelabs.marengo-embed-2-7-v1:0';
    const marengoText = words(100); // Marengo 2.7: 77 tokens
    const marengoResponse = await embedding({
      model: `bedrock/${marengo}`,
      input: marengoText,
      textTruncate: 'end',
      ...aws,
    });
    // `end` keeps the first 77 tokens (one per word here).
    expect(marengoResponse.data[0]!.embedding).toEqual(emu.expectedEmbedding(marengo, words(77)));
    const marengoNone = await embedding({
      model: `bedrock/${marengo}`,
      input: marengoText,
      textTruncate: 'none',
      ...aws,
    }).catch((e) => e);
    expect(marengoNone.name).toBe('ValidationError');
  });

  it("rejects another model's spelling, naming the model's own, before any request", async () => {
    const before = sent();
    const v4Start = await embedding({ model: `bedrock/${V4}`, input: 'x', truncate: 'START', ...aws }).catch(
      (e) => e,
    );
    expect(v4Start).toBeInstanceOf(ValidationError);
    expect(v4Start.parameter).toBe('truncate');
    expect(v4Start.message).toMatch(/truncate must be one of NONE, LEFT, RIGHT for cohere\.embed-v4:0/);
    const v3Left = await embedding({
      model: 'bedrock/cohere.embed-multilingual-v3',
      input: 'x',
      truncate: 'LEFT',
      ...aws,
    }).catch((e) => e);
    expect(v3Left).toBeInstanceOf(ValidationError);
    expect(v3Left.message).toMatch(/NONE, START, END for cohere\.embed-multilingual-v3/);
    expect(sent()).toBe(before);
  });

  it('reports truncate as unsupported on models without it, or drops it', async () => {
    const titan = 'bedrock/amazon.titan-embed-text-v2:0';
    const error = await embedding({ model: titan, input: 'x', truncate: 'END', ...aws }).catch((e) => e);
    expect(error).toBeInstanceOf(UnsupportedParameterError);
    const dropped = await embedding({ model: titan, input: 'x', truncate: 'END', drop_params: true, ...aws });
    expect(dropped._hidden_params.warnings.map((w) => w.parameter)).toEqual(['truncate']);
  });
});

describe('async option names come from the model files', () => {
  const asyncModels = families.flatMap((family) =>
    family.models.filter((spec) => (spec.capabilities.asyncOptionKeys ?? []).length > 0),
  );

  it('declares the async options of Nova and both Marengo versions', () => {
    expect(asyncModels.map((spec) => spec.id).sort()).toEqual([
      'amazon.nova-2-multimodal-embeddings-v1:0',
      'twelvelabs.marengo-embed-2-7-v1:0',
      'twelvelabs.marengo-embed-3-0-v1:0',
    ]);
  });

  it('hands every declared key to the job, where the family checks it, before any request', async () => {
    for (const spec of asyncModels) {
      for (const key of spec.capabilities.asyncOptionKeys!) {
        const before = sent();
        const error = await embedding({
          model: `bedrock/async_invoke/${spec.id}`,
          input: 'a text',
          input_type: 'text',
          output_s3_uri: OUT,
          [key]: 'not a valid value',
          ...aws,
        }).catch((e) => e);
        expect(error, `${spec.id} ${key}`).toBeInstanceOf(ValidationError);
        expect(error.parameter, `${spec.id} ${key}`).toBe(`asyncOptions.${key}`);
        expect(sent()).toBe(before);
      }
    }
  });

  it('refuses job options on a sync route instead of ignoring them, or drops them with drop_params', async () => {
    const model = 'bedrock/amazon.nova-2-multimodal-embeddings-v1:0';
    const before = sent();
    const error = await embedding({ model, input: 'x', durationSeconds: 5, ...aws }).catch((e) => e);
    expect(error).toBeInstanceOf(UnsupportedParameterError);
    expect(error.parameter).toBe('durationSeconds');
    expect(error.message).toContain('bedrock/async_invoke/amazon.nova-2-multimodal-embeddings-v1:0');
    expect(sent()).toBe(before);
    const dropped = await embedding({
      model,
      input: 'x',
      segmentation_config: { durationSeconds: 5 },
      drop_params: true,
      ...aws,
    });
    expect(dropped.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('amazon.nova-2-multimodal-embeddings-v1:0', 'x'),
    );
    expect(dropped._hidden_params.warnings.map((w) => w.parameter)).toEqual(['segmentation_config']);
  });
});
