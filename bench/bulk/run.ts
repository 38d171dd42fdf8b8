/**
 * Bulk ingestion benchmarks (issue 16), each client in its own process, the emulator (0 ms) in
 * another:
 * - B1 `embedStream` over 1,000,000 short texts (Cohere v4, 256 dims) consumed by a running
 *   checksum: peak RSS <= 300 MB, RSS at every 100,000 inputs (flat), throughput >= 0.95x that
 *   of `embed()` on 100,000 of the same texts.
 * - B2 the CLI on 100,000 lines: wall time <= 1.10x that of `embedStream` on the same texts (both
 *   timed as whole processes, start-up included). Also reported: the ratio to a program doing the
 *   CLI's whole job with `embedStream` (writing the same JSONL lines).
 * - B3 kill-and-resume: the CLI SIGKILLed at 50% of its output, then `--resume`: extra requests
 *   over an uninterrupted run <= the concurrency (16), output byte-identical.
 */
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorProcess } from '../harness.js';
import type { BulkJob, BulkResult } from './client.js';
import { BULK_DIMENSIONS, BULK_MODEL, shortText } from './corpus.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXEC_ARGV = ['--import', 'tsx', '--conditions=@bedrock-embeddings/source', '--no-warnings'];
const CLI = join(ROOT, 'packages/cli/src/cli.ts');
const CONCURRENCY = 16;

/** One bulk figure against its target. */
export interface BulkFigure {
  id: string;
  name: string;
  target: string;
  value: string;
  met: boolean;
  /** Counts that hold whatever the machine's speed (what the quick test checks). */
  counts: Record<string, number | boolean>;
}

async function runClient(job: BulkJob): Promise<BulkResult & { processMs: number }> {
  const started = performance.now();
  const child = fork(fileURLToPath(new URL('./client.ts', import.meta.url)), [JSON.stringify(job)], {
    cwd: ROOT,
    execArgv: EXEC_ARGV,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [result] = (await once(child, 'message')) as [BulkResult];
  await once(child, 'exit');
  return { ...result, processMs: performance.now() - started };
}

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const started = performance.now();
  const child = spawn(process.execPath, [...EXEC_ARGV, CLI, ...args], { cwd: ROOT, env, stdio: 'ignore' });
  const exit = once(child, 'exit').then(() => performance.now() - started);
  return { child, exit };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Runs B1-B3 (`quick`: tiny sizes) and returns their figures. */
export async function runBulkBench(options: {
  quick: boolean;
  log: (line: string) => void;
  /** Only these of B1-B3 (default all). */
  only?: string[];
}): Promise<BulkFigure[]> {
  const { quick, log } = options;
  const wanted = (id: string) => options.only === undefined || options.only.includes(id);
  const streamTexts = quick ? 5_000 : 1_000_000;
  const embedTexts = quick ? 2_000 : 100_000;
  const cliLines = quick ? 2_000 : 100_000;
  const emulator = await EmulatorProcess.start();
  const dir = await mkdtemp(join(tmpdir(), 'bench-bulk-'));
  const figures: BulkFigure[] = [];
  try {
    const { connection } = emulator;
    const requests = async () => (await emulator.stats()).requests.byOperation.InvokeModel ?? 0;

    // B1
    await emulator.reset();
    let embed: BulkResult | undefined;
    if (wanted('B1')) {
      embed = await runClient({ mode: 'embed', texts: embedTexts, connection });
      await emulator.reset();
      const stream = await runClient({ mode: 'stream', texts: streamTexts, connection });
      const emulatorCpu = (await emulator.stats()).cpuMs;
      const embedRate = (embed.vectors * 1000) / embed.wallMs;
      const streamRate = (stream.vectors * 1000) / stream.wallMs;
      const rss = stream.rssAt.map((sample) => `${sample.inputs / 1000}k: ${mb(sample.rssBytes)}`).join(', ');
      log(
        `bulk B1: embed() ${embed.vectors} in ${(embed.wallMs / 1000).toFixed(2)} s (${embedRate.toFixed(0)}/s, peak RSS ${mb(embed.peakRssBytes)}); ` +
          `embedStream ${stream.vectors} in ${(stream.wallMs / 1000).toFixed(2)} s (${streamRate.toFixed(0)}/s), peak RSS ${mb(stream.peakRssBytes)}, RSS ${rss}; ` +
          `emulator CPU ${(emulatorCpu / 1000).toFixed(1)} s`,
      );
      figures.push({
        id: 'B1',
        name: `embedStream, ${streamTexts.toLocaleString('en')} short texts (Cohere v4, 256 dims, 0 ms)`,
        target: 'peak RSS <= 300 MB, flat; throughput >= 0.95x embed() on 100,000',
        value: `peak RSS ${mb(stream.peakRssBytes)} (${rss}); ${streamRate.toFixed(0)} vs ${embedRate.toFixed(0)} inputs/s = ${(streamRate / embedRate).toFixed(2)}x`,
        met:
          stream.vectors === streamTexts &&
          stream.peakRssBytes <= 300 * 2 ** 20 &&
          streamRate >= 0.95 * embedRate,
        counts: { streamVectors: stream.vectors, embedVectors: embed.vectors },
      });
    }

    // B2
    const input = join(dir, 'docs.jsonl');
    let lines = '';
    for (let i = 0; i < cliLines; i++) lines += `${JSON.stringify({ id: i, text: shortText(i) })}\n`;
    await writeFile(input, lines);
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: connection.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: connection.credentials.secretAccessKey,
      AWS_REGION: connection.region,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: connection.endpoint,
    };
    const args = (output: string) => [
      'embed',
      '--model',
      BULK_MODEL,
      '--dimensions',
      String(BULK_DIMENSIONS),
      '--input',
      input,
      '--output',
      output,
      '--concurrency',
      String(CONCURRENCY),
    ];
    const reference = join(dir, 'reference.jsonl');
    await emulator.reset();
    const cliMs = await cli(args(reference), env).exit;
    const uninterrupted = await requests();
    const streamProcess = await runClient({ mode: 'stream', texts: cliLines, connection });
    const sameJob = await runClient({
      mode: 'stream-jsonl',
      texts: cliLines,
      connection,
      output: join(dir, 'stream.jsonl'),
    });
    const whole = await readFile(reference);
    log(
      `bulk B2: CLI ${cliLines} lines in ${(cliMs / 1000).toFixed(2)} s; embedStream writing the same JSONL ${(sameJob.processMs / 1000).toFixed(2)} s; embedStream into a checksum ${(streamProcess.processMs / 1000).toFixed(2)} s`,
    );
    figures.push({
      id: 'B2',
      name: `CLI on ${cliLines.toLocaleString('en')} lines vs embedStream (whole processes)`,
      target: '<= 1.10x',
      value:
        `${(cliMs / 1000).toFixed(2)} s vs ${(streamProcess.processMs / 1000).toFixed(2)} s = ${(cliMs / streamProcess.processMs).toFixed(2)}x ` +
        `(vs a program writing the same JSONL with embedStream: ${(cliMs / sameJob.processMs).toFixed(2)}x)`,
      met: cliMs <= 1.1 * streamProcess.processMs,
      counts: {
        lines: whole.toString().split('\n').length - 1,
        // The same texts through embed() and embedStream: the same vectors in the same order.
        ...(embed === undefined ? {} : { sameChecksum: streamProcess.checksum === embed.checksum }),
      },
    });

    // B3
    const output = join(dir, 'killed.jsonl');
    await emulator.reset();
    const killed = cli(args(output), env);
    for (;;) {
      const size = await stat(output).then(
        (info) => info.size,
        () => 0,
      );
      if (size >= whole.length / 2) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    killed.child.kill('SIGKILL');
    await killed.exit;
    const atKill = (await stat(output)).size;
    await cli([...args(output), '--resume'], env).exit;
    const total = await requests();
    const identical = (await readFile(output)).equals(whole);
    log(
      `bulk B3: killed at ${((atKill / whole.length) * 100).toFixed(0)}% of the output; ${total} requests vs ${uninterrupted} uninterrupted; identical: ${identical}`,
    );
    figures.push({
      id: 'B3',
      name: `Kill (SIGKILL at 50%) and --resume, ${cliLines.toLocaleString('en')} lines`,
      target: `extra requests <= ${CONCURRENCY} (the concurrency), byte-identical output`,
      value: `${total - uninterrupted} extra requests; ${identical ? 'byte-identical' : 'DIFFERENT'}`,
      met: identical && total - uninterrupted <= CONCURRENCY,
      counts: { identical, extraRequests: total - uninterrupted },
    });
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
}
