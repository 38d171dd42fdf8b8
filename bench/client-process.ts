/**
 * One measured run of one library, in its own process (forked by the runner with `--expose-gc`).
 * argv[2] is a {@link ClientJob} as JSON; the {@link ClientResult} goes back over IPC. Building
 * the texts and the client is not timed, nor is a warm-up call on a few texts (lazy module loads,
 * first connections, JIT); after it the process sends `warm` and waits for `go` (the runner resets
 * the emulator's counters in between). Then the embedding call is measured: wall time, CPU time
 * (`process.cpuUsage`) and peak RSS (`process.resourceUsage().maxRSS`) against the RSS before it.
 */
import { type Connection, RUNNERS } from './libraries.js';
import { COHERE_BATCH, COHERE_V4, type LibraryId, makeTexts, type Workload } from './scenarios.js';

/** What to run. */
export interface ClientJob {
  library: LibraryId;
  workload: Workload;
  connection: Connection;
}

/** What one run measured. */
export interface ClientResult {
  ok: boolean;
  /** The error, when the call failed (then the figures cover the time until it failed). */
  error?: string;
  /** Vectors returned, and how many of them have the requested length. */
  vectors: number;
  wellFormed: number;
  wallMs: number;
  cpuMs: number;
  /** RSS just before the call, after a full GC. */
  rssBeforeBytes: number;
  /** Peak RSS of the process (the high-water mark, reached during or before the call). */
  peakRssBytes: number;
  /** Heap used after the call, with the result still referenced, minus before (after a full GC each). */
  retainedHeapBytes: number;
}

const job = JSON.parse(process.argv[2]!) as ClientJob;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const texts = makeTexts(job.workload.texts);
const embed = await RUNNERS[job.library](job.workload, job.connection);

// Warm-up: two requests' worth of other texts.
const warmUpTexts = makeTexts((job.workload.model === COHERE_V4 ? COHERE_BATCH : 1) * 2, 7);
await embed(warmUpTexts).catch(() => {});
await new Promise<void>((resolve) => {
  process.once('message', () => resolve());
  process.send!('warm');
});

gc();
const heapBefore = process.memoryUsage().heapUsed;
const rssBeforeBytes = process.memoryUsage.rss();
const cpuBefore = process.cpuUsage();
const start = performance.now();
let vectors: number[][] | undefined;
let error: string | undefined;
try {
  vectors = await embed(texts);
} catch (caught) {
  error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
}
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
gc();
const retainedHeapBytes = process.memoryUsage().heapUsed - heapBefore;

let wellFormed = 0;
for (const vector of vectors ?? []) {
  if (Array.isArray(vector) && vector.length === job.workload.dimensions && Number.isFinite(vector[0])) {
    wellFormed++;
  }
}
const result: ClientResult = {
  ok: error === undefined && vectors?.length === texts.length && wellFormed === texts.length,
  ...(error === undefined ? {} : { error: error.slice(0, 500) }),
  vectors: vectors?.length ?? 0,
  wellFormed,
  wallMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  rssBeforeBytes,
  peakRssBytes,
  retainedHeapBytes,
};
process.send!(result, () => process.exit(0));
