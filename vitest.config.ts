import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the custom export condition,
// so tests never depend on a stale build.
const resolve = { conditions: ['@bedrock-embeddings/source'] };

export default defineConfig({
  resolve,
  ssr: {
    resolve: {
      conditions: ['@bedrock-embeddings/source'],
      externalConditions: ['@bedrock-embeddings/source'],
    },
  },
  test: {
    projects: [
      {
        resolve,
        ssr: { resolve: { conditions: ['@bedrock-embeddings/source'] } },
        test: {
          name: 'default',
          include: [
            'packages/*/test/**/*.test.ts',
            'examples/**/*.test.ts',
            'bench/**/*.test.ts',
            'compat/**/*.test.ts',
          ],
          exclude: ['**/*.soak.test.ts', '**/*.compat.test.ts', '**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        resolve,
        ssr: { resolve: { conditions: ['@bedrock-embeddings/source'] } },
        test: {
          name: 'soak',
          include: ['packages/*/test/**/*.soak.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        // Built packages as users install and bundle them (pnpm test:compat, after pnpm build):
        // runtimes, Node versions, the packed tarballs.
        test: {
          name: 'compat',
          include: ['compat/**/*.compat.test.ts', 'bench/**/*.compat.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          pool: 'forks',
        },
      },
    ],
  },
});
