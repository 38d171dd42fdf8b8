/**
 * Every example of the seed document, ported to TypeScript, run against the emulator and its S3:
 * in this process (checking what each returns against the emulator's expected vectors) and as the
 * command a user types (checking it exits cleanly and prints what the seed prints).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BedrockEmbeddings, createBedrockEmbeddings } from '@bedrock-embeddings/core';
import { retrieveBatch } from '@bedrock-embeddings/core/litellm';
import { type Emulator, expectedSegments, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET } from './setup.js';

const run = promisify(execFile);
const MARENGO = 'twelvelabs.marengo-embed-3-0-v1:0';
const ARN = /arn:aws:bedrock:us-east-1:\d{12}:async-invoke\/[a-z0-9]+/;
const root = fileURLToPath(new URL('../..', import.meta.url));

let emu: Emulator;
let bedrock: BedrockEmbeddings;
/** The environment the examples read, pointed at the emulator. */
let env: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ buckets: [BUCKET], asyncJobDurationMs: 100 });
  env = {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
    AWS_ENDPOINT_URL_S3: emu.s3Endpoint,
    AWS_REGION: emu.region,
    AWS_REGION_NAME: emu.region,
    AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
    LITELLM_EXAMPLE_POLL_SECONDS: '0.05',
  };
  delete process.env.AWS_BEARER_TOKEN_BEDROCK;
  Object.assign(process.env, env);
  bedrock = createBedrockEmbeddings({ region: emu.region });
});

afterAll(async () => {
  await emu?.stop();
});

/** Waits for a job and returns its segments without the fields the emulator's expectation lacks. */
async function segmentsOf(arn: string) {
  await bedrock.waitForAsyncEmbed(arn, { pollIntervalMs: 20 });
  const { segments } = await bedrock.getAsyncEmbedResults(arn);
  return segments.map(({ embedding, startSec, endSec, embeddingOption }) => ({
    embedding,
    startSec,
    endSec,
    embeddingOption,
  }));
}

function expected(input: Parameters<typeof expectedSegments>[1]) {
  return expectedSegments(MARENGO, input).map(({ embedding, startSec, endSec, embeddingOption }) => ({
    embedding,
    startSec,
    endSec,
    embeddingOption,
  }));
}

describe('the seed examples, in process', () => {
  it('basic-async-invoke: submits a text job', async () => {
    const { main } = await import('./basic-async-invoke.js');
    const response = await main();
    const arn = response._hidden_params._invocation_arn!;
    expect(arn).toMatch(ARN);
    expect(await segmentsOf(arn)).toEqual(expected('Hello world from LiteLLM async invoke!'));
  });

  it('video-embedding: submits a video job whose clips are the expected vectors', async () => {
    const { main } = await import('./video-embedding.js');
    const arn = (await main())._hidden_params._invocation_arn!;
    const segments = await segmentsOf(arn);
    expect(segments.length).toBeGreaterThan(1);
    expect(segments).toEqual(expected({ video: 's3://your-bucket/video.mp4' }));
  });

  it('image-base64: submits the image as a data URL', async () => {
    const { main } = await import('./image-base64.js');
    const arn = (await main())._hidden_params._invocation_arn!;
    const image = await readFile(new URL('./image.jpg', import.meta.url));
    expect(await segmentsOf(arn)).toEqual(expected({ image: new Uint8Array(image) }));
  });

  it('job-id: the job id is the last segment of the ARN', async () => {
    const { main } = await import('./job-id.js');
    const { invocationArn, jobId } = await main();
    expect(invocationArn).toMatch(ARN);
    expect(invocationArn.endsWith(`/${jobId}`)).toBe(true);
  });

  it('check-status: reports in_progress and the output location', async () => {
    const { main } = await import('./check-status.js');
    const { invocationArn, status } = await main();
    expect(status?.status).toBe('in_progress');
    expect(status?.id).toBe(invocationArn);
    expect(status?.metadata.output_file_id).toBe(
      `s3://your-bucket/async-invoke-output/${invocationArn.split('/').pop()}/`,
    );
  });

  it('check-status: returns undefined (and says why) when the status cannot be read', async () => {
    const { checkAsyncJobStatus } = await import('./check-status.js');
    const missing = 'arn:aws:bedrock:us-east-1:123456789012:async-invoke/zzzzzzzzzzzz';
    expect(await checkAsyncJobStatus(missing)).toBeUndefined();
  });

  it('polling: waits for completion, then reads the segments from S3', async () => {
    const { main } = await import('./polling.js');
    const { invocationArn, completedStatus, results } = await main();
    expect(completedStatus.status).toBe('completed');
    expect(completedStatus.metadata.output_file_id).toBe(
      `s3://your-bucket/async-invoke-output/${invocationArn.split('/').pop()}/`,
    );
    expect(results.files).toEqual([`${completedStatus.metadata.output_file_id}output.json`]);
    const direct = await retrieveBatch({ batch_id: invocationArn, custom_llm_provider: 'bedrock' });
    expect(direct.status).toBe('completed');
    expect(await segmentsOf(invocationArn)).toEqual(expected({ video: 's3://your-bucket/video.mp4' }));
  });

  it('polling: a failed job raises with its failure message', async () => {
    const { waitForAsyncJob } = await import('./polling.js');
    const { embedding } = await import('@bedrock-embeddings/core/litellm');
    emu.configure({ failAsyncJobs: { message: 'The video could not be read' } });
    try {
      const response = await embedding({
        model: `bedrock/async_invoke/us.${MARENGO}`,
        input: ['s3://your-bucket/video.mp4'],
        aws_region_name: 'us-east-1',
        input_type: 'video',
        output_s3_uri: 's3://your-bucket/async-invoke-output/',
      });
      await expect(waitForAsyncJob(response._hidden_params._invocation_arn!)).rejects.toThrow(
        '❌ Job failed: The video could not be read',
      );
    } finally {
      emu.configure({ failAsyncJobs: undefined });
    }
  });

  it("error-handling: raises the seed's errors with the seed's wording", async () => {
    const { main } = await import('./error-handling.js');
    const outcome = await main();
    expect(outcome.ok).toBe('submitted');
    expect(outcome.missingOutput).toBe('output_s3_uri cannot be empty for async invoke requests');
    expect(outcome.videoOnSyncRoute).toBe(
      "Input type 'video' requires async_invoke route. Use model format: 'bedrock/async_invoke/model_id'",
    );
    expect(outcome.missingInputType).toMatch(/^input_type is required/);
  });

  it('titan-embedding: embeds with credentials from the environment', async () => {
    const { main } = await import('./titan-embedding.js');
    const response = await main();
    expect(response.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('amazon.titan-embed-text-v1', 'good morning from litellm'),
    );
  });

  it('supported-models: every model of the table answers with its vector size', async () => {
    const { main, MODELS } = await import('./supported-models.js');
    const dimensions = await main();
    expect(Object.keys(dimensions)).toEqual(MODELS);
    for (const model of MODELS) {
      expect(dimensions[model]).toBe(emu.expectedEmbedding(model, 'good morning from litellm').length);
    }
  });

  it('drop-params: an error naming the parameter, then dropped with a warning', async () => {
    const { main } = await import('./drop-params.js');
    const { error, dimensions, warnings } = await main();
    expect(error).toContain("bedrock does not support parameters: ['dimensions']");
    expect(error).toContain('drop_params');
    expect(dimensions).toBe(1536);
    expect(warnings.map((w) => w.parameter)).toEqual(['dimensions']);
  });

  it('provider-params: model fields and job options reach Bedrock', async () => {
    const { main } = await import('./provider-params.js');
    const { titan, cohere, nova } = await main();
    expect(titan.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('amazon.titan-embed-text-v2:0', 'good morning from litellm', {
        dimensions: 256,
        normalize: false,
      }),
    );
    expect(cohere.data[0]!.embedding).toEqual(
      emu.expectedEmbedding('cohere.embed-english-v3', 'what is the weather like?', {
        purpose: 'query',
        truncate: 'END',
      }),
    );
    const arn = nova._hidden_params._invocation_arn!;
    await bedrock.waitForAsyncEmbed(arn, { pollIntervalMs: 20 });
    const { segments } = await bedrock.getAsyncEmbedResults(arn);
    expect(segments.map((s) => s.embedding)).toEqual(
      expectedSegments(
        'amazon.nova-2-multimodal-embeddings-v1:0',
        { video: 's3://your-bucket/video.mp4' },
        { segmentDurationSec: 10 },
      ).map((s) => s.embedding),
    );
  });
});

/** Child processes at once: two, for the two cores of the CI machine. */
let running = 0;
const queue: (() => void)[] = [];
async function slot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/** Runs an example as a user does, with `extraEnv` over a copy of this environment. */
function runExampleFile(file: string, extraEnv: Record<string, string | undefined>) {
  const merged = { ...process.env, ...extraEnv };
  const childEnv = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
  return slot(() =>
    run(
      process.execPath,
      ['--conditions=@bedrock-embeddings/source', '--import', 'tsx', `examples/litellm/${file}`],
      {
        cwd: root,
        env: childEnv,
        timeout: 60_000,
      },
    ),
  );
}

describe('the seed examples, as commands', () => {
  const printed: [string, RegExp][] = [
    ['basic-async-invoke.ts', /^Job submitted! Invocation ARN: arn:aws:bedrock:/m],
    ['video-embedding.ts', /^Video embedding job submitted! ARN: arn:aws:bedrock:/m],
    ['image-base64.ts', /^Image embedding job submitted! ARN: arn:aws:bedrock:/m],
    ['job-id.ts', /^Job ID: [a-z0-9]+$/m],
    [
      'check-status.ts',
      /^Job Status: in_progress\nOutput Location: s3:\/\/your-bucket\/async-invoke-output\//m,
    ],
    ['polling.ts', /✅ Job completed!\nResults available at: s3:\/\/your-bucket\//],
    [
      'error-handling.ts',
      /Job submitted successfully!\nError: Please provide a valid S3 output URI\nError: Use async_invoke/,
    ],
    ['titan-embedding.ts', /object: 'list'/],
    ['supported-models.ts', /bedrock\/cohere\.embed-v4:0: \d+ dimensions/],
    ['drop-params.ts', /With drop_params: 1536 dimensions; dropped: dimensions/],
    ['provider-params.ts', /Nova segmented video job: arn:aws:bedrock:/],
  ];
  it.concurrent.each(printed)(
    '%s runs against the emulator named by the environment',
    async (file, output) => {
      const { stdout } = await runExampleFile(file, {});
      expect(stdout).toMatch(output);
    },
  );

  it('starts its own emulator when the environment names no endpoint', async () => {
    const { stdout } = await runExampleFile('polling.ts', {
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: undefined,
      AWS_ENDPOINT_URL_S3: undefined,
      AWS_BEDROCK_RUNTIME_ENDPOINT: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      LITELLM_EXAMPLE_POLL_SECONDS: undefined,
    });
    expect(stdout).toMatch(/✅ Job completed!/);
    expect(stdout).toMatch(
      /segments read from s3:\/\/your-bucket\/async-invoke-output\/[a-z0-9]+\/output\.json/,
    );
  });
});
