/** The `bedrock-emulator` command: starts, prints the environment to use, serves, stops on SIGTERM. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { until } from './support.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

it('prints the environment variables, serves requests with them and exits cleanly on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', '0', '--latency-ms', '3', '--verbose'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('AWS_BEARER_TOKEN_BEDROCK=')) resolve();
    });
    child.on('exit', () => reject(new Error(`the CLI exited early:\n${output}`)));
  });
  const env = Object.fromEntries([...output.matchAll(/^export (\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
  expect(Object.keys(env).sort()).toEqual([
    'AWS_ACCESS_KEY_ID',
    'AWS_BEARER_TOKEN_BEDROCK',
    'AWS_ENDPOINT_URL_BEDROCK',
    'AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME',
    'AWS_ENDPOINT_URL_BEDROCK_RUNTIME',
    'AWS_ENDPOINT_URL_S3',
    'AWS_REGION',
    'AWS_SECRET_ACCESS_KEY',
  ]);

  const response = await fetch(
    `${env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME}/model/amazon.titan-embed-text-v2%3A0/invoke`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${env.AWS_BEARER_TOKEN_BEDROCK}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ inputText: 'from the command line' }),
    },
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('x-amzn-bedrock-invocation-latency')).toBe('3');
  // --verbose logs the request.
  await until(() => / 200 InvokeModel amazon\.titan-embed-text-v2:0 /.test(output));

  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
