/** Real AWS SDK clients pointed at an emulator, shared by the emulator's HTTP-layer tests. */

import { spawn, spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import {
  BedrockRuntimeClient,
  type BedrockRuntimeClientConfig,
  InvokeModelCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import type { Emulator } from '@bedrock-embeddings/emulator';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** A Bedrock Runtime client left at its defaults (HTTP/2 handler), signing with the emulator's credentials. */
export function bedrock(emu: Emulator, config: BedrockRuntimeClientConfig = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    ...config,
  });
}

/** The same client over HTTP/1.1 (`NodeHttpHandler`, keep-alive). */
export function bedrockHttp1(emu: Emulator, config: BedrockRuntimeClientConfig = {}): BedrockRuntimeClient {
  return bedrock(emu, { requestHandler: new NodeHttpHandler(), ...config });
}

/** An S3 client for the emulator's S3, with the settings its README gives. */
export function s3(emu: Emulator): S3Client {
  return new S3Client({
    endpoint: emu.s3Endpoint,
    region: emu.region,
    credentials: emu.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** InvokeModel with a JSON body; returns the parsed response body and the SDK output. */
export async function invoke(client: BedrockRuntimeClient, modelId: string, body: unknown) {
  const output = await client.send(
    new InvokeModelCommand({
      modelId,
      contentType: 'application/json',
      accept: 'application/json',
      body: JSON.stringify(body),
    }),
  );
  return { json: JSON.parse(new TextDecoder().decode(output.body)) as Record<string, unknown>, output };
}

/** An error as the AWS SDK (or Node, for network errors) raises it. */
export type CallError = Error & { code?: string; $metadata: { httpStatusCode?: number } };

/** The error a promise rejects with (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<CallError> {
  try {
    await promise;
  } catch (error) {
    return error as CallError;
  }
  throw new Error('expected the call to fail');
}

/** Polls `condition` until it holds (for state reached asynchronously, e.g. requests arriving). */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
export const COHERE_V4 = 'cohere.embed-v4:0';
export const MARENGO_27 = 'twelvelabs.marengo-embed-2-7-v1:0';
export const NOVA = 'amazon.nova-2-multimodal-embeddings-v1:0';

/** Runs a command to its end; resolves its exit code and output (never rejects on a non-zero exit). */
export function run(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) => resolve({ code: null, stdout, stderr: String(error) }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The first `python3` that imports boto3: `PYTHON` if set, else each `python3` on PATH in order, or
 * undefined. Not simply `python3`: a tool that runs the tests (`npx pnpm ...`) may put the system's
 * Python, without boto3, in front of the user's (pyenv, a virtualenv).
 */
export const pythonWithBoto3: string | undefined = (() => {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'python3'));
  for (const candidate of new Set([process.env.PYTHON, ...onPath])) {
    if (candidate === undefined || candidate === '') continue;
    if (spawnSync(candidate, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
})();
