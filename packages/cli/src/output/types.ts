import type { InputRecord } from '../input.js';

/** What became of one input record: its vector, or why it has none. */
export type RecordResult =
  | { record: InputRecord; embedding: number[]; error?: undefined }
  | {
      record: InputRecord;
      error: {
        /** The error's stable code (`VALIDATION`, `SERVICE`, `THROTTLED`, ... or `BAD_INPUT`). */
        code: string;
        /** What went wrong, naming the line. */
        message: string;
      };
      embedding?: undefined;
    };

/**
 * Where results go. Results arrive in input order and are written in that order, so that what is
 * on disk is always the results of a prefix of the input: `done` records, which `--resume` skips.
 */
export interface OutputSink {
  /** Input records whose results are already written (0 for a new output). */
  readonly done: number;
  /** Writes results, whole (a crash leaves none of them half-written, or a torn line `--resume` drops). */
  write(results: readonly RecordResult[]): Promise<void>;
  /** Writes anything buffered and closes. */
  close(): Promise<void>;
}

/** A failure the command explains itself (bad arguments, a bad line, a failed input): printed without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}
