import { defineConfig } from 'tsup';

export default defineConfig([
  { entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], dts: true, target: 'node22' },
  // The bin is ESM only: nothing requires it.
  { entry: { cli: 'src/cli.ts' }, format: ['esm'], target: 'node22' },
]);
