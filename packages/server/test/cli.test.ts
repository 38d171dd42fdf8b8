import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as exampleClient } from '../../../examples/server/client.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'packages/server/src/cli.ts');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

let emu: Emulator;
let dir: string;

beforeAll(async () => {
  emu = await startEmulator();
  dir = await mkdtemp(join(tmpdir(), 'server-cli-'));
});
afterAll(async () => {
  await emu?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with `args` and the emulator's credentials in its environment. */
function run(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(TSX, ['--conditions=@bedrock-embeddings/source', CLI, ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
      LITELLM_MASTER_KEY: 'sk-cli-test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

describe('bedrock-embeddings-server', () => {
  it('serves the example configuration, logs each request, and exits cleanly on SIGTERM', async () => {
    const { child, output } = run(['--config', join(ROOT, 'examples/server/config.yaml'), '--port', '0']);
    try {
      let url: string | undefined;
      while (url === undefined && child.exitCode === null) {
        url = /listening on (http:\/\/\S+)/.exec(output())?.[1];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(url, output()).toBeDefined();
      const client = new OpenAI({ apiKey: 'sk-cli-test', baseURL: `${url}/v1`, maxRetries: 0 });
      const response = await client.embeddings.create({
        model: 'titan-embed-v2',
        input: 'hello',
        encoding_format: 'float',
      });
      // The alias's `dimensions: 512` applies.
      expect(response.data[0]!.embedding).toEqual(
        emu.expectedEmbedding('amazon.titan-embed-text-v2:0', 'hello', { dimensions: 512 }),
      );
      // The example client script runs against it.
      vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const example = await exampleClient(url, 'sk-cli-test');
      expect(example.response.data[0]!.embedding).toEqual(
        emu.expectedEmbedding('amazon.titan-embed-text-v1', 'good morning from litellm').map(Math.fround),
      );
      expect(example.ranked[0]!.document).toMatch(/^Bedrock hosts embedding models/);
      child.kill('SIGTERM');
      expect(await exitCode(child)).toBe(0);
      expect(output()).toMatch(/ POST \/v1\/embeddings 200 \d+ms model=titan-embed-v2\n/);
      expect(output()).not.toContain('sk-cli-test');
      expect(output()).not.toContain(emu.credentials.secretAccessKey);
    } finally {
      vi.restoreAllMocks();
      child.kill('SIGKILL');
    }
  });

  it('exits with the configuration errors, naming the file and the fields', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'model_list:\n  - model_name: a\n    litellm_params:\n      model: bedrock/amazon.titan-embed-text-v2:0\n      dimension: 256\n',
    );
    const { child, output } = run(['--config', file]);
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain(`Invalid server configuration in ${file}`);
    expect(output()).toContain('model_list[0].litellm_params: unknown field dimension');
  });
});
