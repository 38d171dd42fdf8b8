/**
 * The quick variant of the bulk benchmarks (B1-B3): it keeps them working, asserting counts only
 * (vectors, lines, a byte-identical resumed output), never timings.
 */
import { expect, it } from 'vitest';
import { runBulkBench } from './bulk/run.js';

it('pnpm bench --quick --scenario bulk: every vector, the same as embed(), a byte-identical resume', {
  timeout: 300_000,
}, async () => {
  const figures = await runBulkBench({ quick: true, log: () => {} });
  expect(figures.map((figure) => figure.id)).toEqual(['B1', 'B2', 'B3']);
  const [b1, b2, b3] = figures;
  expect(b1!.counts).toEqual({ streamVectors: 5_000, embedVectors: 2_000 });
  expect(b2!.counts).toEqual({ lines: 2_000, sameChecksum: true });
  expect(b3!.counts.identical).toBe(true);
});
