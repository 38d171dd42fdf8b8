/**
 * The cold-import scenario of `pnpm bench` in its quick form: every import set loads in a fresh
 * Node process from the built packages and gives a time. No timing is asserted (the bench reports
 * them); this keeps the scenario working. Needs `pnpm build` (the compat project runs after it).
 */
import { describe, expect, it } from 'vitest';
import { IMPORT_SETS, runColdImport } from './scenarios/cold-import.js';

describe('pnpm bench --scenario import', () => {
  it('imports every set once in a fresh process and reports each time and the ratio', async () => {
    const result = await runColdImport(1);
    expect(result.sets.map((set) => set.name)).toEqual(Object.keys(IMPORT_SETS));
    for (const set of result.sets) {
      expect(set.ms).toHaveLength(1);
      expect(set.medianMs).toBeGreaterThan(0);
    }
    expect(Number.isFinite(result.ratio)).toBe(true);
  });
});
