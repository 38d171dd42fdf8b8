/** Async invoke through the real AWS SDK: jobs, their S3 output, failures, idempotency and listing. */
import {
  type BedrockRuntimeClient,
  GetAsyncInvokeCommand,
  type GetAsyncInvokeCommandOutput,
  ListAsyncInvokesCommand,
  paginateListAsyncInvokes,
  StartAsyncInvokeCommand,
  type StartAsyncInvokeCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type Emulator, expectedSegments, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bedrock, failure, MARENGO_27, NOVA, s3, TITAN_V2, until } from './support.js';

const BUCKET = 'amzn-s3-demo-bucket';
const VIDEO = `s3://${BUCKET}/path/to/video.mp4`;

/** AWS's documented Nova SEGMENTED_EMBEDDING request. */
const NOVA_INPUT = {
  taskType: 'SEGMENTED_EMBEDDING',
  segmentedEmbeddingParams: {
    embeddingPurpose: 'GENERIC_INDEX',
    embeddingDimension: 3072,
    video: {
      format: 'mp4',
      embeddingMode: 'AUDIO_VIDEO_COMBINED',
      source: { s3Location: { uri: VIDEO } },
      segmentationConfig: { durationSeconds: 15 },
    },
  },
};

/** AWS's documented Marengo 2.7 video request. */
const MARENGO_INPUT = {
  inputType: 'video',
  mediaSource: { s3Location: { uri: VIDEO, bucketOwner: '111122223333' } },
  startSec: 0,
  useFixedLengthSec: 6,
  embeddingOption: ['visual-text', 'visual-image', 'audio'],
};

let emu: Emulator;
let client: BedrockRuntimeClient;
let storage: S3Client;
beforeAll(async () => {
  emu = await startEmulator({ asyncJobDurationMs: 400 });
  client = bedrock(emu);
  storage = s3(emu);
  await storage.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  client.destroy();
  storage.destroy();
  await emu.stop();
});

const start = (
  modelId: string,
  modelInput: unknown,
  s3Uri: string,
  extra: Partial<StartAsyncInvokeCommandInput> = {},
) =>
  client.send(
    new StartAsyncInvokeCommand({
      modelId,
      modelInput: modelInput as never,
      outputDataConfig: { s3OutputDataConfig: { s3Uri } },
      ...extra,
    }),
  );

async function finished(invocationArn: string): Promise<GetAsyncInvokeCommandOutput> {
  let job: GetAsyncInvokeCommandOutput | undefined;
  await until(async () => {
    job = await client.send(new GetAsyncInvokeCommand({ invocationArn }));
    return job.status !== 'InProgress';
  });
  return job!;
}

async function read(uri: string): Promise<string> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  const object = await storage.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString();
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await storage.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

const idOf = (arn: string) => arn.split('/').pop()!;

describe('jobs to completion', () => {
  it('runs a Nova segmented job and writes its files under <s3Uri>/<invocationId>/', async () => {
    const { invocationArn } = await start(NOVA, NOVA_INPUT, `s3://${BUCKET}/embeddings/`);
    expect(invocationArn).toMatch(/^arn:aws:bedrock:us-east-1:\d{12}:async-invoke\/[a-z0-9]{12}$/);
    const id = idOf(invocationArn!);
    const running = await client.send(new GetAsyncInvokeCommand({ invocationArn }));
    expect(running.status).toBe('InProgress');
    expect(running.endTime).toBeUndefined();

    const job = await finished(invocationArn!);
    expect(job.status).toBe('Completed');
    expect(job.modelArn).toBe(`arn:aws:bedrock:us-east-1::foundation-model/${NOVA}`);
    expect(job.clientRequestToken).toMatch(/^[0-9a-f-]{36}$/); // the SDK's generated idempotency token
    expect(job.submitTime).toBeInstanceOf(Date);
    expect(job.endTime!.getTime()).toBeGreaterThanOrEqual(job.submitTime!.getTime());
    expect(job.outputDataConfig?.s3OutputDataConfig?.s3Uri).toBe(`s3://${BUCKET}/embeddings/${id}`);

    const result = JSON.parse(await read(`s3://${BUCKET}/embeddings/${id}/segmented-embedding-result.json`));
    expect(result.sourceFileUri).toBe(VIDEO);
    expect(result.embeddingDimension).toBe(3072);
    expect(result.embeddingResults).toHaveLength(1);
    const [entry] = result.embeddingResults;
    expect(entry).toMatchObject({ embeddingType: 'AUDIO_VIDEO_COMBINED', status: 'SUCCESS' });
    expect(entry.outputFileUri.startsWith(`s3://${BUCKET}/embeddings/${id}/`)).toBe(true);

    const lines = (await read(entry.outputFileUri))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const expected = expectedSegments(NOVA, { video: VIDEO }, { dimensions: 3072, segmentDurationSec: 15 });
    expect(lines.map((line) => line.embedding)).toEqual(expected.map((segment) => segment.embedding));
    expect(lines.map((line) => line.segmentMetadata.segmentStartSeconds)).toEqual(
      expected.map((segment) => segment.startSec),
    );
    expect(emu.stats().requests.byModel[NOVA]).toBe(1);
  });

  it('runs a Marengo 2.7 job with the base model id and writes output.json', async () => {
    const { invocationArn } = await start(MARENGO_27, MARENGO_INPUT, `s3://${BUCKET}/marengo/run-1`);
    const job = await finished(invocationArn!);
    expect(job.status).toBe('Completed');
    const output = JSON.parse(await read(`s3://${BUCKET}/marengo/run-1/${idOf(invocationArn!)}/output.json`));
    const expected = expectedSegments(
      MARENGO_27,
      { video: { s3Uri: VIDEO, bucketOwner: '111122223333' } },
      {
        startSec: 0,
        segmentDurationSec: 6,
        embeddingOptions: ['visual-text', 'visual-image', 'audio'],
      },
    );
    expect(output.data.length).toBe(expected.length);
    expect(output.data.map((item: { embedding: number[] }) => item.embedding)).toEqual(
      expected.map((segment) => segment.embedding),
    );
    expect(new Set(output.data.map((item: { embeddingOption: string }) => item.embeddingOption))).toEqual(
      new Set(['visual-text', 'visual-image', 'audio']),
    );
  });
});

describe('validation', () => {
  it('refuses models without async support, and Marengo through a profile', async () => {
    for (const modelId of [TITAN_V2, `us.${MARENGO_27}`]) {
      const error = await failure(start(modelId, { inputText: 'x' }, `s3://${BUCKET}/out`));
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe("The provided model doesn't support async inference.");
    }
    const unknown = await failure(start('acme.embed-v9:0', {}, `s3://${BUCKET}/out`));
    expect(unknown.name).toBe('ResourceNotFoundException');
  });

  it('checks the S3 URI and the model input', async () => {
    const uri = await failure(start(NOVA, NOVA_INPUT, 's3://Not_A_Bucket/out'));
    expect(uri.name).toBe('ValidationException');
    expect(uri.message).toMatch(/outputDataConfig\.s3OutputDataConfig\.s3Uri.*regular expression pattern/);
    const input = await failure(
      start(NOVA, { ...NOVA_INPUT, taskType: 'SINGLE_EMBEDDING' }, `s3://${BUCKET}/out`),
    );
    expect(input.name).toBe('ValidationException');
    expect(input.$metadata.httpStatusCode).toBe(400);
  });

  it('answers GetAsyncInvoke for a malformed or unknown ARN with ValidationException', async () => {
    const malformed = await failure(client.send(new GetAsyncInvokeCommand({ invocationArn: 'arn:nope' })));
    expect(malformed.name).toBe('ValidationException');
    const unknown = await failure(
      client.send(
        new GetAsyncInvokeCommand({
          invocationArn: 'arn:aws:bedrock:us-east-1:123456789012:async-invoke/aaaaaaaaaaaa',
        }),
      ),
    );
    expect(unknown.name).toBe('ValidationException');
  });
});

describe('failed jobs', () => {
  it('fails jobs matching failAsyncJobs, or tagged emulator:fail, without writing output', async () => {
    emu.configure({ failAsyncJobs: { match: 'broken.mp4', message: 'The video could not be decoded.' } });
    try {
      const broken = { ...MARENGO_INPUT, mediaSource: { s3Location: { uri: `s3://${BUCKET}/broken.mp4` } } };
      const ruled = await start(MARENGO_27, broken, `s3://${BUCKET}/failing/ruled`);
      const tagged = await start(MARENGO_27, MARENGO_INPUT, `s3://${BUCKET}/failing/tagged`, {
        tags: [{ key: 'emulator:fail', value: 'Tagged to fail.' }],
      });
      const ruledJob = await finished(ruled.invocationArn!);
      expect(ruledJob.status).toBe('Failed');
      expect(ruledJob.failureMessage).toBe('The video could not be decoded.');
      expect(ruledJob.endTime).toBeInstanceOf(Date);
      const taggedJob = await finished(tagged.invocationArn!);
      expect(taggedJob.status).toBe('Failed');
      expect(taggedJob.failureMessage).toBe('Tagged to fail.');
      expect(await keysUnder('failing/')).toEqual([]);
    } finally {
      emu.configure({ failAsyncJobs: undefined });
    }
  });

  it('fails a job whose output bucket does not exist', async () => {
    const { invocationArn } = await start(NOVA, NOVA_INPUT, 's3://no-such-bucket/out');
    const job = await finished(invocationArn!);
    expect(job.status).toBe('Failed');
    expect(job.failureMessage).toMatch(/no-such-bucket.*does not exist/);
  });
});

describe('clientRequestToken', () => {
  it('returns the same job for the same token and body, and a conflict for a different body', async () => {
    const token = 'ingest-2026-11-25-batch-7';
    const first = await start(MARENGO_27, MARENGO_INPUT, `s3://${BUCKET}/idem`, {
      clientRequestToken: token,
    });
    const again = await start(MARENGO_27, MARENGO_INPUT, `s3://${BUCKET}/idem`, {
      clientRequestToken: token,
    });
    expect(again.invocationArn).toBe(first.invocationArn);
    const conflict = await failure(
      start(MARENGO_27, MARENGO_INPUT, `s3://${BUCKET}/elsewhere`, { clientRequestToken: token }),
    );
    expect(conflict.name).toBe('ConflictException');
    expect(conflict.$metadata.httpStatusCode).toBe(400);
  });
});

describe('ListAsyncInvokes', () => {
  it('filters, sorts and paginates', async () => {
    const other = await startEmulator({ asyncJobDurationMs: 0, buckets: ['list-bucket'] });
    const lister = bedrock(other);
    try {
      const arns: string[] = [];
      let middle = new Date();
      for (let i = 0; i < 5; i++) {
        if (i === 2) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          middle = new Date();
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const input = { ...MARENGO_INPUT, startSec: i };
        const { invocationArn } = await lister.send(
          new StartAsyncInvokeCommand({
            modelId: MARENGO_27,
            modelInput: input as never,
            outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://list-bucket/job-${i}` } },
            ...(i === 4 ? { tags: [{ key: 'emulator:fail', value: 'no' }] } : {}),
          }),
        );
        arns.push(invocationArn!);
      }
      await until(async () => {
        const { asyncInvokeSummaries = [] } = await lister.send(
          new ListAsyncInvokesCommand({ statusEquals: 'InProgress' }),
        );
        return asyncInvokeSummaries.length === 0;
      });

      const pages: string[][] = [];
      for await (const page of paginateListAsyncInvokes({ client: lister, pageSize: 2 }, {})) {
        pages.push((page.asyncInvokeSummaries ?? []).map((job) => job.invocationArn!));
      }
      expect(pages).toEqual([[arns[4], arns[3]], [arns[2], arns[1]], [arns[0]]]);

      const ascending = await lister.send(
        new ListAsyncInvokesCommand({ sortOrder: 'Ascending', sortBy: 'SubmissionTime' }),
      );
      expect(ascending.asyncInvokeSummaries?.map((job) => job.invocationArn)).toEqual(arns);
      expect(ascending.nextToken).toBeUndefined();

      const completed = await lister.send(new ListAsyncInvokesCommand({ statusEquals: 'Completed' }));
      expect(completed.asyncInvokeSummaries?.map((job) => job.invocationArn)).toEqual(
        arns.slice(0, 4).reverse(),
      );
      const failed = await lister.send(new ListAsyncInvokesCommand({ statusEquals: 'Failed' }));
      expect(failed.asyncInvokeSummaries?.map((job) => job.failureMessage)).toEqual(['no']);

      const later = await lister.send(
        new ListAsyncInvokesCommand({ submitTimeAfter: middle, sortOrder: 'Ascending' }),
      );
      expect(later.asyncInvokeSummaries?.map((job) => job.invocationArn)).toEqual(arns.slice(2));
      const earlier = await lister.send(new ListAsyncInvokesCommand({ submitTimeBefore: middle }));
      expect(earlier.asyncInvokeSummaries?.map((job) => job.invocationArn)).toEqual([arns[1], arns[0]]);

      const summary = completed.asyncInvokeSummaries![0]!;
      expect(summary).toMatchObject({ modelArn: expect.stringContaining(MARENGO_27), status: 'Completed' });
      expect(summary.submitTime).toBeInstanceOf(Date);

      const bad = await failure(lister.send(new ListAsyncInvokesCommand({ nextToken: 'garbage' })));
      expect(bad.name).toBe('ValidationException');
      other.reset();
      expect((await lister.send(new ListAsyncInvokesCommand({}))).asyncInvokeSummaries).toEqual([]);
    } finally {
      lister.destroy();
      await other.stop();
    }
  });
});

describe('ListAsyncInvokes while jobs are submitted', () => {
  it('pages every job once: jobs submitted between pages neither repeat nor shift the next page', async () => {
    const other = await startEmulator({ asyncJobDurationMs: 60_000, buckets: ['list-bucket'] });
    const client = bedrock(other);
    const submit = async (i: number) => {
      const { invocationArn } = await client.send(
        new StartAsyncInvokeCommand({
          modelId: MARENGO_27,
          modelInput: MARENGO_INPUT as never,
          outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://list-bucket/job-${i}` } },
        }),
      );
      return invocationArn!;
    };
    try {
      const before: string[] = [];
      for (let i = 0; i < 30; i++) before.push(await submit(i));
      const seen: string[] = [];
      const during: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(new ListAsyncInvokesCommand({ maxResults: 4, nextToken }));
        seen.push(...(page.asyncInvokeSummaries ?? []).map((job) => job.invocationArn!));
        nextToken = page.nextToken;
        pages++;
        // Newer jobs sort first (Descending); with an offset token each one would shift a job into
        // the next page again.
        during.push(await submit(100 + pages), await submit(200 + pages));
      } while (nextToken);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual([...before].reverse());
      expect(pages).toBe(Math.ceil(before.length / 4));
      const all = await client.send(new ListAsyncInvokesCommand({}));
      expect(all.asyncInvokeSummaries).toHaveLength(before.length + during.length);
    } finally {
      client.destroy();
      await other.stop();
    }
  });
});

describe('external S3', () => {
  it('writes output to the S3-compatible server given by s3.endpoint', async () => {
    const external = await startEmulator({ buckets: ['external-bucket'] });
    const emulator = await startEmulator({
      asyncJobDurationMs: 0,
      s3: { endpoint: external.s3Endpoint, credentials: external.credentials },
    });
    const jobs = bedrock(emulator);
    const externalStorage = s3(external);
    try {
      expect(emulator.s3Endpoint).toBe(external.s3Endpoint);
      const { invocationArn } = await jobs.send(
        new StartAsyncInvokeCommand({
          modelId: MARENGO_27,
          modelInput: MARENGO_INPUT as never,
          outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://external-bucket/out' } },
        }),
      );
      await until(async () => {
        const job = await jobs.send(new GetAsyncInvokeCommand({ invocationArn }));
        return job.status === 'Completed';
      });
      const listed = await externalStorage.send(new ListObjectsV2Command({ Bucket: 'external-bucket' }));
      expect(listed.Contents?.map((object) => object.Key)).toEqual([
        `out/${idOf(invocationArn!)}/output.json`,
      ]);
    } finally {
      jobs.destroy();
      externalStorage.destroy();
      await emulator.stop();
      await external.stop();
    }
  });
});
