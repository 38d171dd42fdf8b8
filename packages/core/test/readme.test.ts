import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { families } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README model table', () => {
  const rows = readme.split('\n').filter((line) => line.startsWith('| `'));

  it.each(families.flatMap((family) => family.models.map((spec) => [spec.id, family.id, spec] as const)))(
    '%s matches its ModelSpec',
    (id, familyId, spec) => {
      const row = rows.find((line) => line.startsWith(`| \`${id}\``));
      expect(row, `a table row for ${id}`).toBeDefined();
      const cells = row!.split(' | ');
      expect(cells[1]).toBe(familyId);
      expect(cells[4]).toContain(spec.capabilities.dimensions.allowed.join(', '));
      for (const alias of spec.aliases ?? []) expect(cells[0]).toContain(alias);
    },
  );
});
