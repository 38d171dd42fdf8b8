/**
 * The packages as an npm user gets them: every published package is packed (`pnpm pack`, so the
 * published manifest is the one checked), installed with plain npm into a fresh project in a temp
 * directory together with `ai@7` and the oldest `@langchain/core` our peer range allows, then
 * - type-checked strictly under `moduleResolution` bundler, node16 and node10;
 * - run as ESM and as CommonJS (under Node 22, the oldest supported) against the emulator from the
 *   emulator's own tarball;
 * - checked for one copy of `@ai-sdk/provider` and of `zod` (ai@7 and our provider share them).
 * Needs `pnpm build` first.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedPackages } from './check-packages.js';

/** The lower bound of the LangChain adapter's `@langchain/core` peer range, tested here. */
const OLDEST_LANGCHAIN_CORE = '1.0.0';

let project: string;

function run(command: string, args: string[], cwd = project): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, maxBuffer: 32 * 1024 * 1024, timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

const npm = (args: string[]) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error']);
const node22 = (file: string) => run('npx', ['-y', '-p', 'node@22', 'node', file]);

/** What every run does: emulator from its package, then each adapter embeds and the vectors are checked. */
const ESM_APP = `
import { createBedrockEmbeddingProvider } from '@bedrock-embeddings/ai-sdk-provider';
import { createBedrockEmbeddings, ValidationError } from '@bedrock-embeddings/core';
import { embedding } from '@bedrock-embeddings/core/litellm';
import { expectedEmbedding, startEmulator } from '@bedrock-embeddings/emulator';
import { BedrockEmbeddings } from '@bedrock-embeddings/langchain';
import { createServer } from '@bedrock-embeddings/server';
import { embedMany } from 'ai';
import assert from 'node:assert/strict';

const emu = await startEmulator();
const { endpoint, region, credentials } = emu;
const texts = ['first text', 'second text'];
const titan = (text: string) => expectedEmbedding('amazon.titan-embed-text-v2:0', text);
try {
  const core = createBedrockEmbeddings({ endpoint, region, credentials });
  assert.deepEqual((await core.embed({ model: 'amazon.titan-embed-text-v2:0', inputs: texts })).embeddings, texts.map(titan));
  const bedrock = createBedrockEmbeddingProvider({ endpoint, region, credentials });
  assert.deepEqual((await embedMany({ model: bedrock('amazon.titan-embed-text-v2:0'), values: texts })).embeddings, texts.map(titan));
  const lc = new BedrockEmbeddings({ model: 'amazon.titan-embed-text-v2:0', endpoint, region, credentials });
  assert.deepEqual(await lc.embedDocuments(texts), texts.map(titan));
  const litellm = await embedding({
    model: 'bedrock/amazon.titan-embed-text-v2:0',
    input: texts,
    aws_region_name: region,
    aws_bedrock_runtime_endpoint: endpoint,
    aws_access_key_id: credentials.accessKeyId,
    aws_secret_access_key: credentials.secretAccessKey,
  });
  assert.deepEqual(litellm.data.map((item) => item.embedding), texts.map(titan));
  assert.equal(typeof createServer, 'function');
  assert.ok(new ValidationError('x') instanceof Error);
  console.log('ESM OK');
} finally {
  await emu.stop();
}
`;

const CJS_APP = `
const assert = require('node:assert/strict');
const { createBedrockEmbeddings } = require('@bedrock-embeddings/core');
const { embedding } = require('@bedrock-embeddings/core/litellm');
const { createBedrockEmbeddingProvider } = require('@bedrock-embeddings/ai-sdk-provider');
const { BedrockEmbeddings } = require('@bedrock-embeddings/langchain');
const { createServer } = require('@bedrock-embeddings/server');
const { expectedEmbedding, startEmulator } = require('@bedrock-embeddings/emulator');

(async () => {
  const emu = await startEmulator();
  const { endpoint, region, credentials } = emu;
  try {
    const core = createBedrockEmbeddings({ endpoint, region, credentials });
    const { embeddings } = await core.embed({ model: 'cohere.embed-english-v3', inputs: ['one', 'two'] });
    assert.deepEqual(embeddings, ['one', 'two'].map((t) => expectedEmbedding('cohere.embed-english-v3', t)));
    const lc = new BedrockEmbeddings({ model: 'cohere.embed-english-v3', endpoint, region, credentials });
    assert.equal((await lc.embedQuery('q')).length, 1024);
    assert.equal(typeof embedding, 'function');
    assert.equal(typeof createBedrockEmbeddingProvider('x' === 'y' ? {} : { region }), 'function');
    assert.equal(typeof createServer, 'function');
    console.log('CJS OK');
  } finally {
    await emu.stop();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

/** A types-only program importing every entry point, checked under each resolution. */
const TYPES_APP = `
import { createBedrockEmbeddingProvider } from '@bedrock-embeddings/ai-sdk-provider';
import { createBedrockEmbeddings, type EmbedResult } from '@bedrock-embeddings/core';
import { embedding, type EmbeddingResponse } from '@bedrock-embeddings/core/litellm';
import { startEmulator } from '@bedrock-embeddings/emulator';
import { BedrockEmbeddings } from '@bedrock-embeddings/langchain';
import { createServer, type ServerConfig } from '@bedrock-embeddings/server';
import { embed } from 'ai';

// @ts-expect-error model_list is a list
export const config: ServerConfig = { model_list: 5 };

export async function main(): Promise<number> {
  const emu = await startEmulator();
  const core = createBedrockEmbeddings({ endpoint: emu.endpoint });
  const result: EmbedResult = await core.embed({ model: 'amazon.titan-embed-text-v2:0', inputs: ['x'] });
  const model = createBedrockEmbeddingProvider({ region: 'us-east-1' })('amazon.titan-embed-text-v2:0');
  const { embedding: vector } = await embed({ model, value: 'x' });
  // @ts-expect-error an embedding is an array of numbers
  const wrong: string = vector;
  void wrong;
  const lc: number[] = await new BedrockEmbeddings({ model: 'amazon.titan-embed-text-v2:0' }).embedQuery('x');
  const response: EmbeddingResponse = await embedding({ model: 'bedrock/amazon.titan-embed-text-v2:0', input: 'x' });
  void createServer;
  // @ts-expect-error a typo in a parameter is a type error, not an ignored option
  await core.embed({ model: 'amazon.titan-embed-text-v2:0', inputs: ['x'], dimension: 256 });
  return result.embeddings.length + vector.length + lc.length + response.data.length;
}
`;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'bedrock-embeddings-npm-'));
  const dependencies: Record<string, string> = {};
  for (const { path, manifest } of publishedPackages()) {
    const before = new Set(readdirSync(project));
    await run('pnpm', ['pack', '--pack-destination', project], path);
    const tarball = readdirSync(project).find((file) => !before.has(file) && file.endsWith('.tgz'))!;
    dependencies[manifest.name as string] = `file:./${tarball}`;
  }
  const manifest = {
    name: 'fresh-npm-app',
    private: true,
    dependencies: {
      ...dependencies,
      ai: '^7.0.0',
      '@langchain/core': OLDEST_LANGCHAIN_CORE,
      typescript: '5.9.3',
      '@types/node': '^22.0.0',
    },
    // Our packages depend on each other by version; the packed ones stand in for the registry's.
    overrides: Object.fromEntries(Object.entries(dependencies).map(([name]) => [name, `$${name}`])),
  };
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  await npm(['install']);
  writeFileSync(join(project, 'app.mts'), ESM_APP);
  writeFileSync(join(project, 'app.cjs'), CJS_APP);
  writeFileSync(join(project, 'types.ts'), TYPES_APP);
  // node16 resolves by the importing file's format: an ESM file (ai is ESM only).
  writeFileSync(join(project, 'types.mts'), TYPES_APP);
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('installed from the packed tarballs with npm', () => {
  it.each([
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, 'types.ts'],
    ['node16', { module: 'node16', moduleResolution: 'node16' }, 'types.mts'],
    ['node10', { module: 'commonjs', moduleResolution: 'node10' }, 'types.ts'],
  ])('type-checks strictly under moduleResolution %s', async (name, options, file) => {
    const tsconfig = {
      compilerOptions: {
        ...options,
        target: 'es2022',
        strict: true,
        noEmit: true,
        esModuleInterop: true,
        // Third-party declarations are not ours to check; ours are (attw too), and an entry that
        // failed to resolve would turn into `any` and trip the @ts-expect-error lines.
        skipLibCheck: true,
        types: ['node'],
      },
      files: [file],
    };
    writeFileSync(join(project, `tsconfig.${name}.json`), JSON.stringify(tsconfig));
    await run(join(project, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${name}.json`]);
  });

  it('runs as ESM (Node 22)', async () => {
    // Node strips the types of app.mts itself (22.18+); the packages are plain JS.
    expect(await node22('app.mts')).toContain('ESM OK');
  });

  it('runs as CommonJS (Node 22)', async () => {
    expect(await node22('app.cjs')).toContain('CJS OK');
  });

  it('has one copy of @ai-sdk/provider and of zod next to ai@7', async () => {
    const tree = JSON.parse(await npm(['ls', '--all', '--json', '@ai-sdk/provider', 'zod']));
    const versions = (name: string): Set<string> => {
      const found = new Set<string>();
      const walk = (node: { dependencies?: Record<string, { version?: string }> }) => {
        for (const [dep, child] of Object.entries(node.dependencies ?? {})) {
          if (dep === name && child.version) found.add(child.version);
          walk(child as never);
        }
      };
      walk(tree);
      return found;
    };
    expect([...versions('@ai-sdk/provider')]).toHaveLength(1);
    expect([...versions('zod')]).toHaveLength(1);
  });
});
