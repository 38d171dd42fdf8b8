/**
 * Runs the demo and every example as a user would (a child process under tsx, with the workspace
 * packages resolved to their sources), and checks the exit code and the lines that show each one
 * did its job. The examples start their own emulator; a few runs point them at this test's emulator
 * through the environment instead, the way `pnpm emulator` users do.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERIES } from './demo/corpus.js';
import { placeholderMp4 } from './demo/media.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Two child processes at a time: each runs tsx and an emulator, and the machine has two cores. */
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(task: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** The parent's environment without AWS settings (a developer's own must not leak into the runs). */
function cleanEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('BEDROCK_')),
  );
  return { ...env, NO_COLOR: '1', ...extra };
}

/** `tsx --conditions=@bedrock-embeddings/source examples/<file> <args>`, from the repository root. */
function run(file: string, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  return slot(
    () =>
      new Promise((resolve) => {
        execFile(
          process.execPath,
          ['--conditions=@bedrock-embeddings/source', '--import', 'tsx', `examples/${file}`, ...args],
          { cwd: root, env: cleanEnvironment(env), timeout: 90_000 },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
            resolve({ code, stdout, stderr });
          },
        );
      }),
  );
}

/** Fails with the child's output, so a broken example explains itself. */
function expectSuccess(result: Run): string[] {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  return result.stdout.split('\n');
}

/** The environment `pnpm emulator` prints, for `emu`. */
function pointingAt(emu: Emulator, secret = emu.credentials.secretAccessKey): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
    AWS_ENDPOINT_URL_S3: emu.s3Endpoint,
    AWS_REGION: emu.region,
    AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret,
  };
}

describe('pnpm demo', { timeout: 120_000 }, () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator();
    // The "user's" video for the --live runs, in the emulator's S3.
    const s3 = new S3Client({
      endpoint: emu.s3Endpoint,
      region: emu.region,
      credentials: emu.credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'user-media' }));
    await s3.send(new PutObjectCommand({ Bucket: 'user-media', Key: 'talk.mp4', Body: placeholderMp4() }));
    s3.destroy();
  });
  afterAll(() => emu?.stop());

  const models = [
    'amazon.titan-embed-text-v2:0',
    'us.cohere.embed-v4:0',
    'amazon.nova-2-multimodal-embeddings-v1:0',
    'us.twelvelabs.marengo-embed-3-0-v1:0',
  ];

  it('runs every step on its own emulator and finds the right documents', async () => {
    const lines = expectSuccess(await run('demo.ts', ['--quick']));
    const output = lines.join('\n');

    // 1. Each question's top hit is its answer, for each model, with both the AI SDK and LangChain.
    for (const { query, answer } of QUERIES) {
      const rows = lines.filter((line) => line.trimStart().startsWith(query));
      expect(rows).toHaveLength(models.length);
      for (const row of rows) expect(row.match(new RegExp(`✓ ${answer} \\d\\.\\d{3}`, 'g'))).toHaveLength(2);
    }
    expect(output).not.toContain('✗');
    const searches = QUERIES.length * models.length * 2;
    expect(output).toContain(`Top hit answers the question in ${searches} of ${searches} searches.`);

    // 1b. Rerank: each question's candidates before and after, the answer reranked first.
    expect(output).toContain('1b. Rerank');
    for (const { query, answer } of QUERIES) {
      const row = lines.find((line) => line.trimStart().startsWith(`"${query}"`));
      expect(row).toMatch(new RegExp(`> .*\\s{2,}${answer} 0\\.\\d{3}`));
    }
    expect(output).toContain(`${QUERIES.length} rerank requests.`);

    // 2. The image and the caption, with their similarities.
    expect(output).toMatch(/amazon\.titan-embed-image-v1 {2}4 inputs · 1024 dimensions/);
    expect(output).toMatch(/red square \(PNG\) {2}caption \+ red square +0\.\d{3}/);

    // 3. The video job: progress, completion, segments with their times and options.
    expect(output).toMatch(/in progress · \d+ ms · poll 1/);
    expect(output).toMatch(/✓ completed in .* after \d+ polls/);
    for (const option of ['visual', 'audio', 'transcription'])
      expect(output).toMatch(new RegExp(`\\d+\\.\\d{2} s +\\d+\\.\\d{2} s  ${option} +512`));
    expect(output).toMatch(
      /\d+ segments \(visual, audio, transcription\) from s3:\/\/bedrock-demo\/embeddings\/\w+\/output\.json/,
    );

    // 4. The summary: a row per model with its figures, and the total.
    for (const model of [...models, 'amazon.titan-embed-image-v1', 'twelvelabs.marengo-embed-3-0-v1:0'])
      expect(output).toMatch(new RegExp(`^  ${model.replace(/\./g, '\\.')} +[a-z-]+ +\\d+ +\\d+ +`, 'm'));
    expect(output).toMatch(/^ {2}amazon\.titan-embed-text-v2:0 +titan-text +30 +30 +[\d,]+ +\$\d/m); // 1 text a request
    expect(output).toMatch(/^ {2}us\.cohere\.embed-v4:0 +cohere +30 +6 +/m); // 12 documents in 1 request, twice
    expect(output).toMatch(/^ {2}total +\d+/m);
    expect(output).toMatch(/Done in [\d.]+ (ms|s)\./);
  });

  it('runs the --live path against the endpoint in the environment, with a video of the user', async () => {
    const before = emu.stats().requests.byOperation.InvokeModel ?? 0;
    const video = [
      '--video',
      's3://user-media/talk.mp4',
      '--output',
      's3://user-media/out',
      '--bucket-owner',
      emu.accountId,
    ];
    const lines = expectSuccess(
      await run('demo.ts', ['--live', '--yes', '--quick', ...video], pointingAt(emu)),
    );
    const output = lines.join('\n');
    expect(output).toContain('Live run on AWS Bedrock in us-east-1');
    expect(output).toContain(`Endpoint: ${emu.endpoint} (from AWS_ENDPOINT_URL_BEDROCK_RUNTIME)`);
    expect(output).toContain('one async job on s3://user-media/talk.mp4');
    expect(output).toMatch(
      /segments \(visual, audio, transcription\) from s3:\/\/user-media\/out\/\w+\/output\.json/,
    );
    expect(output).not.toContain('✗');
    expect((emu.stats().requests.byOperation.InvokeModel ?? 0) - before).toBeGreaterThan(0);
  });

  it('--live without --yes lists the models and the cost, and sends nothing', async () => {
    emu.reset();
    const result = await run('demo.ts', ['--live'], pointingAt(emu));
    expect(result.code).toBe(1);
    for (const model of models) expect(result.stdout).toContain(model);
    expect(result.stdout).toContain('billed to your AWS account');
    expect(result.stdout).toContain('Run again with --live --yes');
    expect(result.stdout).toContain('the async video step is skipped');
    expect(emu.stats().requests.total).toBe(0);
  });

  it('a failure says where, what and what to do, without a stack trace, and exits 1', async () => {
    const result = await run('demo.ts', ['--live', '--yes', '--quick'], pointingAt(emu, 'not-the-secret'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✗ The demo failed during step 1 (retrieval).');
    expect(result.stderr).toContain('AuthError');
    expect(result.stderr).toMatch(/What to do: Bedrock rejected the credentials/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toContain('not-the-secret');
  });

  it('a failed video job is reported as such', async () => {
    emu.configure({ failAsyncJobs: { message: 'The media file could not be decoded.' } });
    try {
      const video = ['--video', 's3://user-media/talk.mp4', '--output', 's3://user-media/out'];
      const args = ['--live', '--yes', '--quick', ...video, '--bucket-owner', emu.accountId];
      const result = await run('demo.ts', args, pointingAt(emu));
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/✗ stopped after \d+ polls/);
      expect(result.stderr).toContain('✗ The demo failed during step 3 (async video job).');
      expect(result.stderr).toContain('The media file could not be decoded.');
      expect(result.stderr).toContain('What to do: Bedrock could not embed the video.');
    } finally {
      emu.configure({ failAsyncJobs: undefined });
    }
  });

  it('rejects an unknown option with the usage', async () => {
    const result = await run('demo.ts', ['--lve']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--lve'");
    expect(result.stderr).toContain('Usage: pnpm demo');
  });
});

// Queued two at a time, so a test's clock starts before its process does.
describe('examples', { timeout: 180_000 }, () => {
  it.concurrent('ai-sdk-quick-start ranks the beach document first', async () => {
    const lines = expectSuccess(await run('ai-sdk-quick-start.ts'));
    expect(lines).toContain('Best match: Sunny skies and warm sand: a perfect day at the beach.');
    expect(lines.join('\n')).toMatch(/3 vectors of 1024 dimensions, \d+ input tokens/);
  });

  it.concurrent('langchain-ingestion ingests in one request and retrieves the right entries', async () => {
    const lines = expectSuccess(await run('langchain-ingestion.ts'));
    expect(lines[0]).toMatch(/^Ingested 5 documents in 1 request\(s\), \d+ tokens, estimated \$0\.\d+$/);
    expect(lines[1]).toMatch(/^0\.\d{3} {2}\[accounts\] To reset your password/);
    expect(lines).toContain(
      'Retriever: [shipping] Orders ship within two business days; international shipping takes five to ten days.',
    );
  });

  it.concurrent('query-vs-document shows asymmetric and symmetric models', async () => {
    const output = expectSuccess(await run('query-vs-document.ts')).join('\n');
    for (const model of ['us\\.cohere\\.embed-v4:0', 'amazon\\.nova-2-multimodal-embeddings-v1:0']) {
      const cosine = Number(new RegExp(`^${model} \\(asymmetric.*cosine (\\S+)$`, 'm').exec(output)?.[1]);
      expect(cosine).toBeGreaterThan(0.5);
      expect(cosine).toBeLessThan(0.999);
    }
    expect(output).toMatch(/^amazon\.titan-embed-text-v2:0 \(symmetric\).*cosine 1\.000$/m);
    expect(output).toContain('Best match for "How long does international shipping take?": Orders ship');
  });

  it.concurrent('dimensions-and-quantization gives each size and encoding', async () => {
    const output = expectSuccess(await run('dimensions-and-quantization.ts')).join('\n');
    for (const dimensions of [256, 512, 1024])
      expect(output).toContain(`dimensions ${dimensions}: ${dimensions} floats`);
    expect(output).toContain('float32 2048 bytes, int8 512 bytes, binary 64 bytes per vector');
    expect(output).toMatch(/Rejected before sending: .*300.* \(parameter: dimensions\)/);
  });

  it.concurrent('images embeds images with the core, the AI SDK and LangChain', async () => {
    const output = expectSuccess(await run('images.ts')).join('\n');
    expect(output).toMatch(/Titan Multimodal: 3 vectors of 384 dimensions, 2 images, \d+ tokens/);
    expect(output).toContain('Cohere v4 via the AI SDK: 3 vectors (2 images, 1 text) of 1536 dimensions');
    expect(output).toMatch(/Nova via LangChain: red vs blue -?0\.\d{3}, red vs the same red again 1\.000/);
  });

  it.concurrent('async-video waits for the job and reads every segment', async () => {
    const lines = expectSuccess(await run('async-video.ts'));
    const count = Number(/^Completed: (\d+) segments/m.exec(lines.join('\n'))?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(
      lines.filter((line) => /^ {2}#\d+ [\d.]+-[\d.]+ s AUDIO_VIDEO_COMBINED: 1024 dimensions$/.test(line)),
    ).toHaveLength(count);
    expect(lines.join('\n')).toMatch(/^ {2}completed after [\d.]+ s$/m);
    expect(lines).toContain('listAsyncEmbeds found the job among the completed ones: true');
  });

  it.concurrent('litellm-style answers in OpenAI shapes and starts an async job', async () => {
    const output = expectSuccess(await run('litellm-style.ts')).join('\n');
    expect(output).toMatch(/^list of 2 embeddings from cohere\.embed-english-v3, \d+ prompt tokens$/m);
    expect(output).toContain('Dropped: dimensions');
    expect(output).toMatch(
      /^Started arn:aws:bedrock:[\w-]+:\d{12}:async-invoke\/\w+: (in_progress|completed)$/m,
    );
  });

  it.concurrent('application-inference-profile routes ARNs with baseModel or family on every surface', async () => {
    const lines = expectSuccess(await run('application-inference-profile.ts'));
    expect(lines).toContain(
      'Without family or baseModel: looked up with GetInferenceProfile: cohere.embed-v4:0',
    );
    expect(lines.join('\n')).toMatch(
      /Resolved: family cohere, id type opaque, sent as arn:aws:bedrock:.*application-inference-profile/,
    );
    expect(lines.join('\n')).toMatch(/^Core: 1536 dimensions from cohere via arn:aws:bedrock:/m);
    expect(lines).toContain('AI SDK: 1536 dimensions');
    expect(lines).toContain('LangChain: 1536 dimensions');
    expect(lines).toContain("family 'nova' alone: 1024 dimensions from nova");
  });

  it.concurrent('api-keys authenticates with the key alone and rejects a wrong one', async () => {
    const lines = expectSuccess(await run('api-keys.ts'));
    expect(lines).toContain('apiKey option: 1024 dimensions');
    expect(lines).toContain('AWS_BEARER_TOKEN_BEDROCK: 1024 dimensions');
    expect(lines).toContain('Wrong key: AuthError (AUTH, HTTP 403); key in message: false');
  });
});

describe('examples against an endpoint from the environment', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ buckets: ['bedrock-examples'] });
  });
  afterAll(() => emu?.stop());

  it('use it instead of starting their own emulator', async () => {
    const lines = expectSuccess(await run('ai-sdk-quick-start.ts', [], pointingAt(emu)));
    expect(lines).toContain('Best match: Sunny skies and warm sand: a perfect day at the beach.');
    // The three documents and the question, one request each (Titan takes one text a request).
    expect(emu.stats().requests.byModel['amazon.titan-embed-text-v2:0']).toBe(4);
  });
});
