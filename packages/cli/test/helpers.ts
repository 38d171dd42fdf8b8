/**
 * Runs the real `bedrock-embeddings` command in a child process (Node with the tsx loader, so that
 * SIGKILL kills the command itself), pointed at a test's emulator through the standard AWS variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '@bedrock-embeddings/emulator';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const CLI = join(ROOT, 'packages/cli/src/cli.ts');
/** Node with the TypeScript loader: the command as `node cli.ts`. */
export const NODE_ARGS = ['--import', 'tsx', '--conditions=@bedrock-embeddings/source', '--no-warnings', CLI];

/** The environment that points the command at `emu`. */
export function emulatorEnv(emu: Emulator): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
    AWS_REGION: emu.region,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
  };
}

/** A running command: its process, everything it printed, and its exit. */
export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function start(args: string[], env: NodeJS.ProcessEnv, input?: string): Running {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: ROOT,
    env,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  if (input !== undefined) child.stdin!.end(input);
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Runs the command to its end. */
export async function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const running = start(args, env, input);
  const { code } = await running.exit;
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

/** Waits until `path` is at least `bytes` long (polling; bounded by `timeoutMs`). */
export async function untilSize(path: string, bytes: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const size = await stat(path).then(
      (info) => info.size,
      () => 0,
    );
    if (size >= bytes) return;
    if (Date.now() > deadline) throw new Error(`${path} stayed under ${bytes} bytes for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A JSONL corpus of `count` records `{ id, text }`. */
export function corpus(count: number, prefix = 'doc'): { lines: string; texts: string[]; ids: string[] } {
  const texts: string[] = [];
  const ids: string[] = [];
  let lines = '';
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    const text = `${prefix} ${i}: notes on ${['rivers', 'engines', 'orbits', 'meadows'][i % 4]} and item ${i * 7}`;
    ids.push(id);
    texts.push(text);
    lines += `${JSON.stringify({ id, text })}\n`;
  }
  return { lines, texts, ids };
}
