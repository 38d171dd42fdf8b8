/**
 * Reads a finished batch job's output: one `<input file>.out` per input file, streamed line by
 * line, each record joined back to its input by `recordId` (AWS does not keep the input order,
 * https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-data.html) and checked:
 * every input exactly once, every vector of the right length with finite values.
 */
import { checkResponse } from '../embed/check.js';
import { AsyncOutputError, BedrockEmbeddingsError } from '../errors.js';
import type { EmbeddingType, FamilyContext, ModelFamily, ResolvedParams } from '../types.js';
import type { BatchEmbedRecord } from './types.js';

/**
 * What `startBatchEmbed` records next to a job's input folder (`<folder>.batch-embed.json`), so the
 * results can be read and checked from any process with only the job's ARN.
 */
export interface BatchDescription {
  format: 'bedrock-embeddings/batch-embed@1';
  /** The model as the caller gave it. */
  model: string;
  /** The base id of the model (the family's `ModelSpec.id`). */
  baseModelId: string;
  /** The parameters the bodies were built with (the vectors' expected length among them). */
  params: Omit<ResolvedParams, 'providerOptions'>;
  firstIndex: number;
  records: number;
  images: number;
  /** The input files, in input order: name (relative to the folder), first index, record count. */
  files: Array<{ name: string; firstIndex: number; records: number }>;
  /** The caller's `metadata`. */
  metadata?: Record<string, string | number | boolean>;
}

/** Opens one output object as a stream of text chunks (a retried GetObject). */
export type OpenText = (name: string) => Promise<AsyncIterable<string>>;

/** Lines of a text stream, without the empty ones. */
async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    rest += chunk;
    let start = 0;
    for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n', start)) {
      const line = rest.slice(start, end);
      start = end + 1;
      if (line.trim() !== '') yield line;
    }
    rest = rest.slice(start);
  }
  if (rest.trim() !== '') yield rest;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Everything the reader needs about the job. */
export interface ReadContext {
  jobArn: string;
  description: BatchDescription;
  family: ModelFamily;
  ctx: FamilyContext;
  /** `s3://` URI of the job's output folder (no trailing slash), for messages. */
  folderUri: string;
  order: 'input' | 'output';
  open: OpenText;
}

/** Every record of the job, file by file in input order. */
export async function* readBatchRecords(read: ReadContext): AsyncGenerator<BatchEmbedRecord> {
  const { description, jobArn } = read;
  for (const file of description.files) {
    const name = `${file.name}.out`;
    const location = `${read.folderUri}/${name}`;
    const fail = (message: string, cause?: unknown) =>
      new AsyncOutputError(`Batch output \`${location}\` of job ${jobArn}: ${message}`, {
        invocationArn: jobArn,
        location,
        model: description.model,
        ...(cause === undefined ? {} : { cause }),
      });
    const seen = new Uint8Array(file.records);
    const pending = new Map<number, BatchEmbedRecord>();
    let next = file.firstIndex;
    let lineNumber = 0;
    for await (const line of linesOf(await read.open(name))) {
      lineNumber++;
      const record = parseLine(line, read, file, seen, (message, cause) =>
        fail(`line ${lineNumber}: ${message}`, cause),
      );
      if (read.order === 'output') {
        yield record;
        continue;
      }
      pending.set(record.index, record);
      for (let ready = pending.get(next); ready !== undefined; ready = pending.get(next)) {
        pending.delete(next);
        next++;
        yield ready;
      }
    }
    const missing: number[] = [];
    for (let k = 0; k < file.records && missing.length < 10; k++)
      if (seen[k] === 0) missing.push(file.firstIndex + k);
    if (missing.length > 0) {
      const count = seen.reduce((sum, value) => sum + (value === 0 ? 1 : 0), 0);
      throw fail(`${count} of its ${file.records} records are missing, e.g. inputs [${missing.join(', ')}]`);
    }
  }
}

function parseLine(
  line: string,
  read: ReadContext,
  file: BatchDescription['files'][number],
  seen: Uint8Array,
  fail: (message: string, cause?: unknown) => AsyncOutputError,
): BatchEmbedRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw fail('not JSON', error);
  }
  if (!isRecord(parsed) || typeof parsed.recordId !== 'string') throw fail('no `recordId`');
  const { recordId } = parsed;
  const index = /^\d+$/.test(recordId) ? Number(recordId) : Number.NaN;
  const offset = index - file.firstIndex;
  if (!(offset >= 0 && offset < file.records)) {
    throw fail(
      `recordId \`${recordId}\` is not one of this file's inputs (${file.firstIndex} to ${file.firstIndex + file.records - 1})`,
    );
  }
  if (seen[offset] === 1) throw fail(`recordId \`${recordId}\` (inputs[${index}]) appears twice`);
  seen[offset] = 1;

  if (isRecord(parsed.error)) {
    const { errorCode, errorMessage } = parsed.error;
    return {
      recordId,
      index,
      error: {
        ...(typeof errorCode === 'number' || typeof errorCode === 'string' ? { code: errorCode } : {}),
        message: typeof errorMessage === 'string' ? errorMessage : JSON.stringify(parsed.error),
      },
    };
  }
  if (parsed.modelOutput === undefined)
    throw fail(`inputs[${index}] has neither \`modelOutput\` nor \`error\``);
  const { params } = read.description;
  let output: ReturnType<ModelFamily['fromResponseBody']>;
  try {
    output = read.family.fromResponseBody(parsed.modelOutput, 1, params as ResolvedParams, read.ctx);
  } catch (error) {
    if (error instanceof BedrockEmbeddingsError || error instanceof Error) {
      throw fail(`inputs[${index}]: ${error.message}`, error);
    }
    throw error;
  }
  try {
    // The same check as every synchronous answer: one vector of the asked length, finite values,
    // every requested embedding type present and in range.
    checkResponse(output, {
      model: read.description.model,
      modelId: read.ctx.modelId,
      family: read.family.id,
      count: 1,
      params,
    });
  } catch (error) {
    throw fail(`inputs[${index}]: ${(error as Error).message}`, error);
  }
  const embedding = output.embeddings[0];
  let byType: Partial<Record<EmbeddingType, number[]>> | undefined;
  for (const [type, vectors] of Object.entries(output.embeddingsByType ?? {})) {
    if (vectors?.[0] === undefined) continue;
    byType ??= {};
    byType[type as EmbeddingType] = vectors[0];
  }
  return {
    recordId,
    index,
    embedding: embedding!,
    ...(byType === undefined ? {} : { embeddingsByType: byType }),
    ...(output.inputTokens === undefined ? {} : { inputTokens: output.inputTokens }),
  };
}
