import type { ClientOptions, EmbedProgress, Purpose } from '@bedrock-embeddings/core';
import type { InputRecord } from '../input.js';
import type { RecordResult } from '../output/types.js';

/** One `embed` job as the command hands it to a runner (on-demand now; batch inference later). */
export interface EmbedJob {
  /** The records to embed, after those already done. */
  records: AsyncIterable<InputRecord>;
  model: string;
  dimensions?: number;
  purpose?: Purpose;
  /** `skip`: failed records come back as results with an `error`; `throw`: the job stops at the first. */
  onError: 'throw' | 'skip';
  /** Where and how to reach Bedrock. */
  client: ClientOptions;
  /** Stops the job: the runner returns (or throws an `AbortError`) after the results it has given. */
  signal: AbortSignal;
  /** Counts of this run (not of the records skipped on resume), a few times a second. */
  onProgress: (progress: EmbedProgress) => void;
  /** Records of the input skipped because the output already holds their results (`--resume`). */
  skipped?: number;
  /** Reads the input again from the start, skipping `skip` records (a file input only; batch mode). */
  reread?: (skip: number) => AsyncIterable<InputRecord>;
  /** Set by a runner: the options that continue this run after an interruption (batch: `--job <arn>`). */
  resumeArgs?: string[];
}

/**
 * Runs a job: results in input order, a batch at a time, as fast as the consumer writes them. Under
 * `onError: 'throw'` it throws an error naming the record's line once the results before it are given.
 */
export type Runner = (job: EmbedJob) => AsyncIterable<RecordResult[]>;
