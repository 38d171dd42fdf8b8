/**
 * The on-demand runner: InvokeModel through the core's `embedStream`, so read-ahead is bounded, the
 * records are read as the output is written, and retries, pacing and concurrency are the client's.
 * Records pass through a FIFO beside the stream: chunks come in input order, so the records they
 * answer are always at its head.
 */
import { createBedrockEmbeddings, type EmbeddingInput, InputsFailedError } from '@bedrock-embeddings/core';
import type { InputRecord } from '../input.js';
import { CliError } from '../output/types.js';
import type { Runner } from './types.js';

/** Stands in for a line that could not be read, so that it fails in its place in the stream. */
const UNREADABLE: EmbeddingInput = {};

export const runOnDemand: Runner = async function* (job) {
  const bedrock = createBedrockEmbeddings(job.client);
  const pending: InputRecord[] = [];
  let badLine: InputRecord | undefined;
  async function* inputs(): AsyncGenerator<EmbeddingInput> {
    for await (const record of job.records) {
      if (record.problem !== undefined && job.onError === 'throw') {
        badLine = record; // the stream ends here; what came before is still written
        return;
      }
      pending.push(record);
      yield record.problem === undefined ? record.text! : UNREADABLE;
    }
  }
  try {
    for await (const chunk of bedrock.embedStream({
      model: job.model,
      inputs: inputs(),
      onError: job.onError,
      signal: job.signal,
      onProgress: job.onProgress,
      ...(job.dimensions === undefined ? {} : { dimensions: job.dimensions }),
      ...(job.purpose === undefined ? {} : { purpose: job.purpose }),
    })) {
      if (chunk.errors === undefined) {
        const { embeddings } = chunk;
        const records = pending.splice(0, embeddings.length);
        yield records.map((record, k) => ({ record, embedding: embeddings[k]! }));
      } else {
        const { errors } = chunk;
        const records = pending.splice(0, errors.length);
        yield records.map((record, k) => {
          const { error } = errors[k]!;
          return record.problem === undefined
            ? { record, error: { code: error.code, message: `line ${record.line}: ${error.message}` } }
            : { record, error: { code: 'BAD_INPUT', message: record.problem } };
        });
      }
    }
  } catch (error) {
    if (error instanceof InputsFailedError) {
      const record = pending[0];
      const where = record === undefined ? '' : `line ${record.line} (id ${JSON.stringify(record.id)}): `;
      throw new CliError(`${where}${error.message}`, { cause: error });
    }
    throw error;
  }
  if (badLine !== undefined) throw new CliError(badLine.problem);
};
