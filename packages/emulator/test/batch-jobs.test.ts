/**
 * Batch inference jobs (CreateModelInvocationJob, GetModelInvocationJob, ListModelInvocationJobs,
 * StopModelInvocationJob) through the real `@aws-sdk/client-bedrock` and boto3's `bedrock` client,
 * with input and output in the emulator's S3 read and written by `@aws-sdk/client-s3`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  BedrockClient,
  CreateModelInvocationJobCommand,
  type CreateModelInvocationJobCommandInput,
  GetModelInvocationJobCommand,
  type GetModelInvocationJobCommandOutput,
  paginateListModelInvocationJobs,
  StopModelInvocationJobCommand,
} from '@aws-sdk/client-bedrock';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BATCH_FAIL_MIDWAY_TAG, type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, pythonWithBoto3, s3 as s3Client, TITAN_V2 } from './support.js';

const BUCKET = 'jobs';
const ROLE = 'arn:aws:iam::123456789012:role/BatchRole';

let emu: Emulator;
let client: BedrockClient;
let s3: S3Client;
let jobs = 0;

beforeAll(async () => {
  emu = await startEmulator({ buckets: [BUCKET], batchJobStateMs: 10 });
  client = new BedrockClient({ endpoint: emu.endpoint, region: emu.region, credentials: emu.credentials });
  s3 = s3Client(emu);
});
afterAll(async () => {
  client.destroy();
  s3.destroy();
  await emu.stop();
});

/** Writes `lines` as `<folder>/<name>` and returns the folder's URI. */
async function writeInput(folder: string, files: Record<string, unknown[]>): Promise<string> {
  for (const [name, records] of Object.entries(files)) {
    const body = records
      .map((record) => (typeof record === 'string' ? record : JSON.stringify(record)))
      .join('\n');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${folder}/${name}`, Body: body }));
  }
  return `s3://${BUCKET}/${folder}/`;
}

const record = (i: number, modelInput: unknown = { inputText: `text number ${i}`, dimensions: 256 }) => ({
  recordId: `R${String(i).padStart(10, '0')}`,
  modelInput,
});

function request(
  input: string,
  overrides: Partial<CreateModelInvocationJobCommandInput> = {},
): CreateModelInvocationJobCommandInput {
  return {
    jobName: `job-${++jobs}`,
    roleArn: ROLE,
    modelId: TITAN_V2,
    inputDataConfig: { s3InputDataConfig: { s3Uri: input } },
    outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${BUCKET}/out/` } },
    ...overrides,
  };
}

async function settle(jobArn: string): Promise<GetModelInvocationJobCommandOutput> {
  for (;;) {
    const job = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    if (!['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Stopping'].includes(job.status ?? ''))
      return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function readText(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return object.Body!.transformToString();
}

describe('CreateModelInvocationJob -> output in S3', () => {
  it('answers every record as InvokeModel would, an invalid one as an error line, and writes the manifest', async () => {
    const records = Array.from({ length: 120 }, (_, i) => record(i));
    records[7] = record(7, { inputText: 'x', dimensions: 100 });
    const input = await writeInput('in-1', {
      'part-a.jsonl': records.slice(0, 60),
      'nested/part-b.jsonl': records.slice(60),
    });
    const { jobArn } = await client.send(new CreateModelInvocationJobCommand(request(input)));
    expect(jobArn).toMatch(/^arn:aws:bedrock:us-east-1:123456789012:model-invocation-job\/[a-z0-9]{12}$/);
    const job = await settle(jobArn!);
    expect(job).toMatchObject({
      status: 'PartiallyCompleted',
      totalRecordCount: 120,
      processedRecordCount: 120,
      successRecordCount: 119,
      errorRecordCount: 1,
      modelId: TITAN_V2,
      roleArn: ROLE,
    });
    const jobId = jobArn!.split('/').pop();
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `out/${jobId}/` }));
    expect((listing.Contents ?? []).map((object) => object.Key).sort()).toEqual([
      `out/${jobId}/manifest.json.out`,
      `out/${jobId}/nested/part-b.jsonl.out`,
      `out/${jobId}/part-a.jsonl.out`,
    ]);
    const lines = (await readText(`out/${jobId}/part-a.jsonl.out`))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(60);
    expect(lines.map((line) => line.recordId)).not.toEqual(records.slice(0, 60).map((r) => r.recordId));
    const byId = new Map(lines.map((line) => [line.recordId, line]));
    const ok = byId.get('R0000000003');
    expect(ok.modelInput).toEqual(records[3]!.modelInput);
    expect(ok.modelOutput.embedding).toEqual(
      emu.expectedEmbedding(TITAN_V2, 'text number 3', { dimensions: 256 }),
    );
    expect(byId.get('R0000000007').error).toMatchObject({ errorCode: 400 });
    expect(JSON.parse(await readText(`out/${jobId}/manifest.json.out`))).toMatchObject({
      totalRecordCount: 120,
      processedRecordCount: 120,
      successRecordCount: 119,
      errorRecordCount: 1,
      outputTokenCount: 0,
    });
  });

  it('fails a job below the record minimum while validating, and one that fails midway', async () => {
    const small = await writeInput('in-small', {
      'a.jsonl': Array.from({ length: 99 }, (_, i) => record(i)),
    });
    const below = await settle(
      (await client.send(new CreateModelInvocationJobCommand(request(small)))).jobArn!,
    );
    expect(below.status).toBe('Failed');
    expect(below.message).toMatch(/\(99\) is less than the minimum .* \(100\)/);

    const input = await writeInput('in-midway', {
      'a.jsonl': Array.from({ length: 100 }, (_, i) => record(i)),
    });
    const tags = [{ key: BATCH_FAIL_MIDWAY_TAG, value: 'capacity lost' }];
    const midway = await settle(
      (await client.send(new CreateModelInvocationJobCommand(request(input, { tags })))).jobArn!,
    );
    expect(midway).toMatchObject({ status: 'Failed', message: 'capacity lost', processedRecordCount: 50 });
  });
});

describe("AWS's validation", () => {
  it.each([
    ['a role name instead of a role ARN', { roleArn: 'BatchRole' }, /roleArn.*regular expression/],
    [
      'an S3 URI that is not one',
      { inputDataConfig: { s3InputDataConfig: { s3Uri: 'https://jobs/in/' } } },
      /s3Uri.*regular expression/,
    ],
    [
      'an upper-case bucket',
      { outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://Jobs/out/' } } },
      /s3Uri.*regular expression/,
    ],
    ['a model without batch support', { modelId: 'cohere.embed-v4:0' }, /not supported for batch inference/],
    ['a timeout under 24 hours', { timeoutDurationInHours: 12 }, /timeoutDurationInHours/],
    ['a bad job name', { jobName: '-leading-dash' }, /jobName/],
  ])('refuses %s with ValidationException', async (_, overrides, message) => {
    const error = await failure(
      client.send(new CreateModelInvocationJobCommand(request('s3://jobs/in/', overrides))),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(message);
  });

  it('refuses a duplicate job name, and honours clientRequestToken', async () => {
    const input = await writeInput('in-dup', { 'a.jsonl': Array.from({ length: 100 }, (_, i) => record(i)) });
    const first = await client.send(
      new CreateModelInvocationJobCommand(
        request(input, { jobName: 'same-name', clientRequestToken: 'token-1' }),
      ),
    );
    const again = await client.send(
      new CreateModelInvocationJobCommand(
        request(input, { jobName: 'same-name', clientRequestToken: 'token-1' }),
      ),
    );
    expect(again.jobArn).toBe(first.jobArn);
    const error = await failure(
      client.send(new CreateModelInvocationJobCommand(request(input, { jobName: 'same-name' }))),
    );
    expect(error.name).toBe('ConflictException');
  });

  it('reads a job by its URL-encoded ARN or its id, and 404s an unknown one', async () => {
    const input = await writeInput('in-get', { 'a.jsonl': Array.from({ length: 100 }, (_, i) => record(i)) });
    const { jobArn } = await client.send(new CreateModelInvocationJobCommand(request(input)));
    const byId = await client.send(
      new GetModelInvocationJobCommand({ jobIdentifier: jobArn!.split('/').pop() }),
    );
    expect(byId.jobArn).toBe(jobArn);
    const missing = await failure(
      client.send(new GetModelInvocationJobCommand({ jobIdentifier: 'abcdefabcdef' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    await settle(jobArn!);
  });
});

describe('StopModelInvocationJob and ListModelInvocationJobs', () => {
  it('stops a running job, and refuses to stop a finished one', async () => {
    emu.configure({ batchJobStateMs: 200 });
    try {
      const input = await writeInput('in-stop', {
        'a.jsonl': Array.from({ length: 100 }, (_, i) => record(i)),
      });
      const { jobArn } = await client.send(new CreateModelInvocationJobCommand(request(input)));
      await client.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn }));
      const stopping = await client.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
      expect(stopping.status).toBe('Stopping');
      expect((await settle(jobArn!)).status).toBe('Stopped');
      const error = await failure(client.send(new StopModelInvocationJobCommand({ jobIdentifier: jobArn })));
      expect(error.name).toBe('ValidationException');
    } finally {
      emu.configure({ batchJobStateMs: 10 });
    }
  });

  it('lists every page, filtered by status and name', async () => {
    const arns: string[] = [];
    for await (const page of paginateListModelInvocationJobs({ client, pageSize: 2 }, {})) {
      expect((page.invocationJobSummaries ?? []).length).toBeLessThanOrEqual(2);
      for (const job of page.invocationJobSummaries ?? []) arns.push(job.jobArn!);
    }
    expect(arns.length).toBeGreaterThanOrEqual(5);
    expect(new Set(arns).size).toBe(arns.length);
    const stopped = [];
    for await (const page of paginateListModelInvocationJobs(
      { client },
      { statusEquals: 'Stopped', nameContains: 'job-' },
    )) {
      stopped.push(...(page.invocationJobSummaries ?? []));
    }
    expect(stopped.length).toBeGreaterThanOrEqual(1);
    for (const job of stopped) expect(job.status).toBe('Stopped');
  });
});

const run = promisify(execFile);
const hasBoto3 = pythonWithBoto3 !== undefined;

describe.skipIf(!hasBoto3)("boto3's bedrock client", () => {
  it('creates a job and reads it back with create/get_model_invocation_job', async () => {
    const input = await writeInput('in-boto', {
      'a.jsonl': Array.from({ length: 100 }, (_, i) => record(i)),
    });
    const script = `
import boto3, json, sys, time
client = boto3.client('bedrock', endpoint_url=sys.argv[1], region_name='us-east-1')
created = client.create_model_invocation_job(
    jobName='boto-job', roleArn='${ROLE}', modelId='${TITAN_V2}',
    inputDataConfig={'s3InputDataConfig': {'s3Uri': '${input}'}},
    outputDataConfig={'s3OutputDataConfig': {'s3Uri': 's3://${BUCKET}/boto-out/'}})
while True:
    job = client.get_model_invocation_job(jobIdentifier=created['jobArn'])
    if job['status'] not in ('Submitted', 'Validating', 'Scheduled', 'InProgress'):
        break
    time.sleep(0.02)
print(json.dumps({'jobArn': created['jobArn'], 'status': job['status'], 'total': job.get('totalRecordCount')}))
`;
    const { stdout } = await run(pythonWithBoto3!, ['-c', script, emu.endpoint], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
      },
    });
    const answer = JSON.parse(stdout);
    expect(answer).toMatchObject({ status: 'Completed', total: 100 });
    const jobId = answer.jobArn.split('/').pop();
    const manifest = JSON.parse(await readText(`boto-out/${jobId}/manifest.json.out`));
    expect(manifest.successRecordCount).toBe(100);
  });
});
