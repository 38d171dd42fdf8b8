/**
 * The core and the AI SDK provider where AI SDK apps run, against the emulator on loopback:
 * - bundled as users bundle them (esbuild, the runtime's export conditions) for Vercel Edge
 *   (`edge-runtime`) and Cloudflare Workers (workerd through `miniflare`, no `nodejs_compat`);
 *   the bundles must contain no Node module;
 * - as installed packages under Node 22, 24 and 26, Bun and Deno, each from the npm registry.
 * Every runtime embeds with the core and with `ai`'s `embedMany`, and runs an async job whose
 * results are read from S3. Needs `pnpm build` first (the packages resolve to their dist).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Emulator,
  expectedEmbedding,
  expectedSegments,
  startEmulator,
} from '@bedrock-embeddings/emulator';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppConfig, type AppResult, ASYNC_TEXT, TEXTS } from './fixtures/app.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Inside compat/, so that the runtimes resolve the packages from compat/node_modules.
const out = `${here}.out/runtimes`;
const BUCKET = 'compat-runtimes';

let emu: Emulator;
let config: AppConfig;
let seq = 0;
const configFor = (name: string): AppConfig => ({
  ...config,
  outputS3Uri: `s3://${BUCKET}/${name}-${seq++}`,
});

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  emu = await startEmulator({ buckets: [BUCKET], asyncJobDurationMs: 50 });
  config = {
    endpoint: emu.endpoint,
    s3Endpoint: emu.s3Endpoint,
    region: emu.region,
    credentials: {
      accessKeyId: emu.credentials.accessKeyId,
      secretAccessKey: emu.credentials.secretAccessKey,
    },
  };
});
afterAll(async () => {
  await emu?.stop();
});

/** The result every runtime must give: the emulator's vectors for the same inputs. */
function expectRightVectors(result: AppResult): void {
  expect(result.core).toEqual(
    TEXTS.map((text) => expectedEmbedding('amazon.titan-embed-text-v2:0', text, { dimensions: 256 })),
  );
  expect(result.aiSdk).toEqual(TEXTS.map((text) => expectedEmbedding('cohere.embed-english-v3', text)));
  const [segment] = expectedSegments('amazon.nova-2-multimodal-embeddings-v1:0', ASYNC_TEXT, {
    dimensions: 384,
    purpose: 'document',
  });
  expect(result.asyncSegments).toBe(1);
  expect(result.asyncVector).toEqual(segment?.embedding);
}

/** Bundles an entry for a runtime and checks that no Node module went in. */
async function bundle(
  entry: string,
  options: { conditions: string[]; format: 'esm' | 'iife'; outfile: string },
): Promise<string> {
  const result = await build({
    entryPoints: [`${here}fixtures/${entry}`],
    bundle: true,
    platform: 'browser',
    conditions: options.conditions,
    format: options.format,
    ...(options.format === 'iife' ? { globalName: 'app' } : {}),
    target: 'es2022',
    outfile: `${out}/${options.outfile}`,
    metafile: true,
    write: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const nodeOnly = inputs.filter((input) =>
    /^node:|node-http-handler|util-user-agent-node|credential-provider-node/.test(input),
  );
  expect(nodeOnly, 'Node-only modules in the edge bundle').toEqual([]);
  expect(inputs.some((input) => input.includes('fetch-http-handler'))).toBe(true);
  return `${out}/${options.outfile}`;
}

describe('edge runtimes, bundled with esbuild', () => {
  it('Vercel Edge (edge-runtime, conditions edge-light/worker/browser)', async () => {
    const code = await bundle('edge-entry.ts', {
      conditions: ['edge-light', 'worker', 'browser'],
      format: 'iife',
      outfile: 'edge.js',
    });
    // A process of its own: inside the test worker, edge-runtime's fetch rejects the SDK's headers.
    const stdout = await run(process.execPath, [
      `${here}fixtures/run-edge.mjs`,
      code,
      JSON.stringify(configFor('edge')),
    ]);
    expectRightVectors(JSON.parse(lastLine(stdout)));
  });

  it('Cloudflare Workers (workerd through miniflare, conditions workerd/worker/browser, no nodejs_compat)', async () => {
    const script = readFileSync(
      await bundle('worker-entry.ts', {
        conditions: ['workerd', 'worker', 'browser'],
        format: 'esm',
        outfile: 'worker.js',
      }),
      'utf8',
    );
    // The bundle is one module, declared as such: miniflare's own module discovery rejects the
    // computed `import()` of the optional @opentelemetry/api (which resolves to nothing here).
    const mf = new Miniflare({
      modules: [{ type: 'ESModule', path: 'worker.js', contents: script }],
      compatibilityDate: '2026-01-01',
    });
    try {
      const response = await mf.dispatchFetch('http://worker.test/', {
        method: 'POST',
        body: JSON.stringify(configFor('workerd')),
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expectRightVectors(JSON.parse(text));
    } finally {
      await mf.dispose();
    }
  });
});

/** Runs a command in compat/ and gives its stdout. */
function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: here, maxBuffer: 16 * 1024 * 1024, timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} ${args[0] ?? ''} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

/** Runs `bin args...` from the npm package `pkg` (downloaded once into npm's cache by npx). */
const npx = (pkg: string, bin: string, args: string[]) => run('npx', ['-y', '-p', pkg, bin, ...args]);

const lastLine = (stdout: string): string => stdout.trim().split('\n').at(-1)!;

describe('runtimes with Node APIs, from the installed packages', () => {
  let script: string;
  beforeAll(async () => {
    // Only the fixture is compiled (TypeScript to JS); the packages stay external, as installed.
    await build({
      entryPoints: [`${here}fixtures/cli-entry.ts`],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'es2022',
      outfile: `${out}/cli.mjs`,
      logLevel: 'silent',
    });
    script = `${out}/cli.mjs`;
  });

  const runtimes: [string, string, string, (config: AppConfig) => string[]][] = [
    ['Node 22', 'node@22', 'node', (c) => [script, JSON.stringify(c)]],
    ['Node 24', 'node@24', 'node', (c) => [script, JSON.stringify(c)]],
    ['Node 26', 'node@26', 'node', (c) => [script, JSON.stringify(c)]],
    ['Bun', 'bun@1.4.4', 'bun', (c) => [script, JSON.stringify(c)]],
    [
      'Deno',
      'deno@2.9.6',
      'deno',
      // `--allow-sys=hostname` is for `ai` (its gateway's @vercel/oidc reads the host name at
      // import); the AWS SDK would also ask for `osRelease`, which the core avoids.
      (c) => [
        'run',
        '--allow-net=127.0.0.1',
        '--allow-env',
        '--allow-read',
        '--allow-sys=hostname',
        script,
        JSON.stringify(c),
      ],
    ],
  ];
  it.each(runtimes)('%s', async (name, pkg, bin, args) => {
    const stdout = await npx(pkg, bin, args(configFor(name.toLowerCase().replace(' ', ''))));
    expectRightVectors(JSON.parse(lastLine(stdout)));
  });
});
