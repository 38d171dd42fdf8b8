import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', litellm: 'src/litellm.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // litellm imports the package's own entry, so both builds share one copy of the core (and its
  // error classes) instead of the CommonJS build bundling a second one.
  external: ['@bedrock-embeddings/core'],
});
