/**
 * Every TypeScript / JavaScript code block of every README in the repository (found by walking the
 * tree, so a new package's README is covered without touching this file) is type-checked strictly,
 * then run as written against an emulator this test starts, reached the way users point the AWS SDK
 * at a local endpoint: `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, `AWS_ENDPOINT_URL_BEDROCK`,
 * `AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME`, `AWS_ENDPOINT_URL_S3`, `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_REGION` (the AWS SDK v3 honours the per-service endpoint
 * variables; the core passes no endpoint of its own unless given one).
 *
 * A block that cannot run here (it needs AWS, a long-running server, a placeholder to fill in) has
 * the line `<!-- readme-test: skip (the reason) -->` directly above its fence; it is still listed.
 * Buckets named in `s3://` URIs of the blocks exist in the emulator's S3.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside compat/, so the blocks resolve packages from compat/node_modules like an app would.
const out = fileURLToPath(new URL('./.out/readme/', import.meta.url));
const SKIP = /^<!--\s*readme-test:\s*skip\s*\((.+)\)\s*-->$/;
const FENCE = /^(\s*)```(ts|typescript|js|javascript|mjs)\s*$/;
const IGNORED_DIRS = new Set(['node_modules', 'dist', '.git', '.out', 'coverage', 'docs']);

interface Block {
  /** `packages/core/README.md:42` */
  where: string;
  file: string;
  code: string;
  skip?: string;
}

/** Every README.md under the repository root (outside dependencies and build output). */
function readmes(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return IGNORED_DIRS.has(entry.name) ? [] : readmes(join(dir, entry.name));
    return entry.name === 'README.md' ? [join(dir, entry.name)] : [];
  });
}

/** The ts/js blocks of one README, with their line and skip marker. */
export function extractBlocks(path: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE.exec(lines[i]!);
    if (fence === null) continue;
    const indent = fence[1]!.length;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]!.trim() !== '```'; i++) body.push(lines[i]!.slice(indent));
    const skip = SKIP.exec(lines[start - 1]?.trim() ?? '')?.[1];
    const where = `${relative(root, path)}:${start + 1}`;
    const js = fence[2] === 'js' || fence[2] === 'javascript' || fence[2] === 'mjs';
    const file = `${where.replace(/[/:.]/g, '_')}.${js ? 'mjs' : 'ts'}`;
    blocks.push({ where, file, code: `${body.join('\n')}\n`, ...(skip === undefined ? {} : { skip }) });
  }
  return blocks;
}

const blocks = readmes().flatMap((path) => extractBlocks(path, readFileSync(path, 'utf8')));
const runnable = blocks.filter((block) => block.skip === undefined);

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeout: number,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: out, env, timeout, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error.code as number) ?? 1) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

let emu: Emulator;
let env: NodeJS.ProcessEnv;
let typeErrors = new Map<string, string[]>();
let outcomes: Record<string, string | null> = {};
let runnerOutput = '';

beforeAll(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const buckets = new Set<string>();
  for (const block of runnable) {
    // A module of its own (top-level await, no clashes between blocks).
    writeFileSync(join(out, block.file), `${block.code}export {};\n`);
    for (const match of block.code.matchAll(/s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\//g))
      buckets.add(match[1]!);
  }
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../tsconfig.base.json',
      compilerOptions: { noEmit: true, allowJs: true, checkJs: true, types: ['node'], declaration: false },
      include: ['*.ts', '*.mjs'],
    }),
  );
  emu = await startEmulator({ buckets: [...buckets], asyncJobDurationMs: 50 });
  env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && !name.startsWith('BEDROCK_')),
  );
  Object.assign(env, {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: emu.endpoint,
    AWS_ENDPOINT_URL_BEDROCK: emu.endpoint,
    AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: emu.endpoint,
    AWS_ENDPOINT_URL_S3: emu.s3Endpoint,
    AWS_ACCESS_KEY_ID: emu.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emu.credentials.secretAccessKey,
    AWS_REGION: emu.region,
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  // One strict type-check of every block (errors filed under the block they belong to), and one
  // process running them all, side by side.
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
  const runner = fileURLToPath(new URL('./fixtures/run-blocks.ts', import.meta.url));
  const [{ output }, ran] = await Promise.all([
    run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], env, 150_000),
    run(
      process.execPath,
      [
        tsx,
        '--conditions=@bedrock-embeddings/source',
        runner,
        'results.json',
        ...runnable.map((block) => block.file),
      ],
      env,
      150_000,
    ),
  ]);
  runnerOutput = ran.output;
  try {
    outcomes = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  } catch {
    outcomes = {};
  }
  typeErrors = new Map();
  for (const line of output.split('\n')) {
    const file = /^([^(]+)\(\d+,\d+\)/.exec(line)?.[1];
    if (file === undefined) continue;
    typeErrors.set(file, [...(typeErrors.get(file) ?? []), line]);
  }
}, 240_000);
afterAll(async () => {
  await emu?.stop();
});

describe('README examples', () => {
  it('finds the README blocks, skipped ones with a reason', () => {
    expect(runnable.length).toBeGreaterThan(10);
    for (const block of blocks) if (block.skip !== undefined) expect(block.skip.trim()).not.toBe('');
  });

  it.each(blocks.map((block) => [block.where, block] as const))('%s', async (_where, block) => {
    if (block.skip !== undefined) return;
    expect(typeErrors.get(block.file) ?? [], 'type errors').toEqual([]);
    expect(block.file in outcomes, `the runner did not get to this block:\n${runnerOutput}`).toBe(true);
    expect(outcomes[block.file], 'the block threw').toBeNull();
  });
});
