/**
 * The quick variant of `pnpm bench`: every scenario at small sizes, one run per library, each in its
 * own process against the emulator in its own process. It keeps the harness working; it asserts
 * no timings, only that every scenario ran every library and got the right number of vectors.
 */
import { describe, expect, it } from 'vitest';
import { type BenchResults, runBench } from './harness.js';
import { scenarios } from './scenarios.js';

describe('pnpm bench --quick', () => {
  let results: BenchResults;

  it('runs every scenario with every library it lists', { timeout: 600_000 }, async () => {
    results = await runBench({ quick: true, runs: 1 });
    expect(results.scenarios.map((scenario) => scenario.id)).toEqual(
      scenarios(true).map((scenario) => scenario.id),
    );
    for (const [index, scenario] of results.scenarios.entries()) {
      expect(scenario.libraries.map((library) => library.library)).toEqual(scenarios(true)[index]!.libraries);
      for (const library of scenario.libraries) expect(library.runs).toHaveLength(1);
    }
  });

  it("returns every vector from this project's libraries and the floor, with the requests they need", () => {
    for (const scenario of results.scenarios) {
      for (const library of scenario.libraries) {
        if (library.library === 'ai-sdk-amazon-bedrock' || library.library === 'langchain-aws') continue;
        const [run] = library.runs;
        expect(run?.error, `${scenario.id} ${library.library}`).toBeUndefined();
        expect(run?.vectors, `${scenario.id} ${library.library}`).toBe(scenario.workload.texts);
        expect(run?.wellFormed, `${scenario.id} ${library.library}`).toBe(scenario.workload.texts);
        // Under a quota, throttled requests are retried and counted too.
        // Under a quota (or beside another model's requests), more requests are counted.
        if (scenario.workload.requestsPerMinute === undefined && scenario.workload.quotas === undefined)
          expect(run?.requests).toBe(scenario.requestsNeeded);
        else expect(run?.requests).toBeGreaterThanOrEqual(scenario.requestsNeeded);
        expect(run?.connections).toBeGreaterThanOrEqual(0);
        expect(run?.peakConcurrency).toBeLessThanOrEqual(scenario.workload.concurrency ?? 16);
      }
    }
  });

  it('returns every vector from the competitors where they can run the scenario', () => {
    for (const scenario of results.scenarios) {
      // At their defaults under a quota, a competitor giving up is what scenario 3 measures.
      if (scenario.workload.requestsPerMinute !== undefined) continue;
      for (const library of scenario.libraries) {
        if (library.library !== 'ai-sdk-amazon-bedrock' && library.library !== 'langchain-aws') continue;
        expect(library.runs[0]?.vectors, `${scenario.id} ${library.library}`).toBe(scenario.workload.texts);
        expect(library.runs[0]?.requests).toBe(scenario.requestsNeeded);
      }
    }
  });
});
