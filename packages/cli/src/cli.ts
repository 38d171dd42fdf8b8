#!/usr/bin/env node
/**
 * `bedrock-embeddings`: the command line. `embed` embeds a corpus (see `--help`). Errors the
 * command explains are printed as one line, exit code 1; Ctrl-C stops cleanly with code 130.
 */
import { BedrockEmbeddingsError } from '@bedrock-embeddings/core';
import { EMBED_USAGE, embedCommand } from './commands/embed.js';
import { CliError } from './output/types.js';

const USAGE = `Usage: bedrock-embeddings <command> [options]

Commands:
  embed    embed a JSONL or text file (or stdin) into JSONL or a LanceDB table, resumably

${EMBED_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'embed') throw new CliError(`Unknown command ${command}. Commands: embed.`);
  const interrupt = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(
        '\nStopping after the results in hand are written (Ctrl-C again to quit at once)...\n',
      );
      interrupt.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    return await embedCommand(args, {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      interrupt: interrupt.signal,
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const explained =
      error instanceof CliError ||
      error instanceof BedrockEmbeddingsError ||
      (error as { code?: string })?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
    process.stderr.write(
      `bedrock-embeddings: ${explained ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`,
    );
    process.exitCode = 1;
  },
);
