#!/usr/bin/env bash
# A representative part of the test suite (core sync and async, each adapter, the server, the
# emulator) under every supported Node line, with binaries from the npm registry's `node` package.
# The whole suite runs on the machine's Node (pnpm test).
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS=(
  packages/core/test/embed-integration.test.ts
  packages/core/test/async.test.ts
  packages/ai-sdk-provider/test/embed.test.ts
  packages/langchain-embeddings/test/embeddings.test.ts
  packages/server/test/server.test.ts
  packages/emulator/test/server.test.ts
)
for version in ${NODE_VERSIONS:-22 24 26}; do
  echo "== Node $version"
  npx -y -p "node@$version" node node_modules/vitest/vitest.mjs run --project default "${TESTS[@]}"
done
