#!/usr/bin/env node
/**
 * `bedrock-embeddings-server --config config.yaml [--port 4000] [--host 127.0.0.1]`: serves the
 * configuration's models until SIGINT or SIGTERM, then lets requests in flight finish.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { createServer } from './server.js';

const USAGE = `Usage: bedrock-embeddings-server --config <config.yaml> [--port 4000] [--host 127.0.0.1]

An OpenAI-compatible embeddings gateway (POST /v1/embeddings, GET /v1/models, /health, /metrics) for the
AWS Bedrock models of a LiteLLM-style config.yaml.`;

async function main(): Promise<number> {
  let values: { config?: string; port?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p', default: '4000' },
        host: { type: 'string', default: '127.0.0.1' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port);
  if (values.config === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(
      `${values.config === undefined ? '--config is required' : `Invalid --port ${values.port}`}\n\n${USAGE}\n`,
    );
    return 2;
  }

  const server = createServer(await loadConfig(values.config));
  const url = await server.listen({ port, host: values.host });
  process.stderr.write(`bedrock-embeddings-server listening on ${url}\n`);

  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(
        `${signal}: finishing requests in flight, then exiting (send it again to exit now)\n`,
      );
      process.once(signal, () => resolve(130));
      void server.close().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exit(1);
  },
);
