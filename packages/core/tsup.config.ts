import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const edgeHandler = fileURLToPath(new URL('./src/http-handler.edge.ts', import.meta.url));

export default defineConfig([
  {
    entry: { index: 'src/index.ts', litellm: 'src/litellm.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node22',
    // litellm imports the package's own entry, so both builds share one copy of the core (and its
    // error classes) instead of the CommonJS build bundling a second one.
    external: ['@bedrock-embeddings/core'],
  },
  {
    // The edge build (package.json conditions workerd, edge-light, worker, browser): the same
    // code with the fetch handler in place of Node's agents, so it imports no Node module.
    entry: { index: 'src/index.ts' },
    outDir: 'dist/edge',
    format: ['esm'],
    platform: 'neutral',
    target: 'es2022',
    esbuildPlugins: [
      {
        name: 'edge-http-handler',
        setup(build) {
          build.onResolve({ filter: /^\.\/http-handler\.js$/ }, () => ({ path: edgeHandler }));
        },
      },
    ],
  },
]);
