/**
 * Issue 13 §3: one long-lived AbortSignal passed to 100,000 operations keeps nothing per operation
 * (Node 20's `AbortSignal.any` kept ~52 bytes per call on the source signal). Measured on the heap
 * after a full GC, through `withRetry`, the path every request takes.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { retryPolicy, withRetry } from '../src/run.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

it('100,000 operations under one signal leave the heap flat', async () => {
  const controller = new AbortController();
  const options = {
    policy: retryPolicy(),
    signal: controller.signal,
    timeoutMs: 60_000,
    model: 'm',
    redact: (t: string) => t,
  };
  const run = async (count: number) => {
    for (let i = 0; i < count; i++) await withRetry(async () => i, options);
  };
  await run(10_000); // warm up (JIT, maps)
  gc();
  const before = process.memoryUsage().heapUsed;
  await run(100_000);
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  // 52 bytes per call would be 5.2 MB; allow noise well below that.
  expect(grown).toBeLessThan(1_000_000);
});
