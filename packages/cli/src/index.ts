/**
 * `@bedrock-embeddings/cli`: the `bedrock-embeddings` command, and its parts for programs that run
 * it in-process.
 *
 * @module @bedrock-embeddings/cli
 */
export { type CommandIo, EMBED_USAGE, embedCommand } from './commands/embed.js';
export { type InputFormat, type InputRecord, parseLine, readRecords } from './input.js';
export { resultLine } from './output/jsonl.js';
export { CliError, type OutputSink, type RecordResult } from './output/types.js';
export {
  AUTO_BATCH_MIN_INPUTS,
  type BatchSettings,
  batchRunner,
  batchSettings,
  chooseMode,
  type EmbedMode,
} from './runners/batch.js';
export { runOnDemand } from './runners/on-demand.js';
export type { EmbedJob, Runner } from './runners/types.js';
