/**
 * The AWS CLI against the emulator, reached only through the standard environment variables: an
 * `invoke-model` without `--content-type` (the CLI then sends none) and an async start. Skipped
 * cleanly when `aws --version` does not run on this machine.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './support.js';

const version = await run('aws', ['--version']);
const hasCli = version.code === 0;
if (!hasCli) console.log('skipped: no AWS CLI (aws --version failed)');

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';

describe.runIf(hasCli)(`AWS CLI (${(version.stdout || version.stderr).trim()})`, () => {
  let emu: Emulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    emu = await startEmulator({ asyncJobDurationMs: 20, buckets: ['cli-output'] });
    dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
    env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
      AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
      AWS_DEFAULT_REGION: emu.region,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_PAGER: '',
    };
  });
  afterAll(async () => {
    await emu?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('invoke-model without --content-type returns the expected vector', async () => {
    const body = join(dir, 'body.json');
    const out = join(dir, 'out.json');
    await writeFile(body, JSON.stringify({ inputText: 'hello from the cli', dimensions: 256 }));
    const result = await run(
      'aws',
      ['bedrock-runtime', 'invoke-model', '--model-id', TITAN_V2, '--body', `fileb://${body}`, out],
      { env },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ contentType: 'application/json' });
    const answer = JSON.parse(await readFile(out, 'utf8')) as { embedding: number[] };
    expect(answer.embedding).toEqual(
      emu.expectedEmbedding(TITAN_V2, 'hello from the cli', { dimensions: 256 }),
    );
  });

  it('start-async-invoke starts a job get-async-invoke then reports', async () => {
    const started = await run(
      'aws',
      [
        'bedrock-runtime',
        'start-async-invoke',
        '--model-id',
        'twelvelabs.marengo-embed-2-7-v1:0',
        '--model-input',
        JSON.stringify({ inputType: 'video', mediaSource: { s3Location: { uri: 's3://media/clip.mp4' } } }),
        '--output-data-config',
        JSON.stringify({ s3OutputDataConfig: { s3Uri: 's3://cli-output/jobs' } }),
      ],
      { env },
    );
    expect(started.stderr).toBe('');
    const { invocationArn } = JSON.parse(started.stdout) as { invocationArn: string };
    expect(invocationArn).toMatch(/^arn:aws:bedrock:us-east-1:\d{12}:async-invoke\/[a-z0-9]{12}$/);
    const got = await run('aws', ['bedrock-runtime', 'get-async-invoke', '--invocation-arn', invocationArn], {
      env,
    });
    expect(JSON.parse(got.stdout)).toMatchObject({
      invocationArn,
      modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/twelvelabs.marengo-embed-2-7-v1:0',
    });
  });
});
