/**
 * Writes batch records to S3 as JSONL, streamed: each file is a multipart upload fed from the
 * records as they come (lib-storage `Upload`), so memory holds a few upload parts and a lookahead
 * of `minRecordsPerJob + 1` records, whatever the input size.
 *
 * Files and jobs are split by AWS's quotas. A job is closed while the records still buffered fit
 * in the next one, and the buffer holds at least the minimum, so no job (the last included) ever
 * gets fewer records than the minimum, even when the total is unknown until the stream ends.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ValidationError } from '../errors.js';
import { loadS3 } from '../s3.js';
import type { BatchLimits } from './types.js';

/** One record, validated and serialised. */
export interface PreparedRecord {
  /** Position in the caller's inputs. */
  index: number;
  /** The JSONL line, without its newline. */
  line: string;
  /** UTF-8 bytes of the line and its newline. */
  bytes: number;
  /** Images in the input, for usage. */
  images: number;
}

/** One input file written. */
export interface WrittenFile {
  /** Key relative to the job's folder (also the output file's name, plus `.out`). */
  name: string;
  /** `s3://` URI. */
  uri: string;
  firstIndex: number;
  records: number;
}

/** One job's worth of input files. */
export interface WrittenJob {
  jobName: string;
  /** `s3://bucket/prefix/<jobName>/`: the job's `inputDataConfig`. */
  folderUri: string;
  firstIndex: number;
  records: number;
  images: number;
  files: WrittenFile[];
}

/** Where and how to write. */
export interface WriteTarget {
  s3: S3Client;
  bucket: string;
  /** Key prefix of the input folder, empty or ending in `/`. */
  prefix: string;
  /** Name of the first job; later ones get `-2`, `-3`, ... */
  jobName: string;
  limits: BatchLimits;
  model: string;
  signal?: AbortSignal;
}

/** Upload parts of 8 MiB, 4 at a time: at most ~32 MiB of a file in memory. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
/** Records are handed to the upload in chunks of about this many characters. */
const CHUNK_CHARS = 256 * 1024;

/** The lookahead over the prepared records. */
class Lookahead {
  readonly buffer: PreparedRecord[] = [];
  bytes = 0;
  done = false;
  constructor(
    private readonly source: AsyncIterator<PreparedRecord>,
    private readonly size: number,
  ) {}
  async fill(): Promise<void> {
    while (!this.done && this.buffer.length < this.size) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else {
        this.buffer.push(next.value);
        this.bytes += next.value.bytes;
      }
    }
  }
  take(): PreparedRecord {
    const record = this.buffer.shift()!;
    this.bytes -= record.bytes;
    return record;
  }
}

/** The record id of an input: its index, zero-padded to 11 characters like AWS's examples. */
export const recordIdOf = (index: number): string => String(index).padStart(11, '0');

/**
 * Writes every record; returns the jobs to create. On any failure (a bad input in a stream, S3,
 * abort) the objects already written are deleted and the error is rethrown: a failed start leaves
 * nothing behind and starts no job.
 */
export async function writeBatchInput(
  records: AsyncIterator<PreparedRecord>,
  target: WriteTarget,
): Promise<WrittenJob[]> {
  const { limits, model } = target;
  const look = new Lookahead(records, limits.minRecordsPerJob + 1);
  await look.fill();
  if (look.done && look.buffer.length < limits.minRecordsPerJob) {
    throw new ValidationError(
      `${model}: a batch inference job needs at least ${limits.minRecordsPerJob} records (AWS's quota "Minimum number of records per batch inference job"), ` +
        `and the inputs hold ${look.buffer.length}: embed them with embed() or embedStream() instead.`,
      { model, parameter: 'inputs' },
    );
  }
  const jobs: WrittenJob[] = [];
  const written: string[] = [];
  const { Upload } = await import('@aws-sdk/lib-storage');
  try {
    for (;;) {
      await look.fill();
      if (look.buffer.length === 0) break;
      const jobName = jobs.length === 0 ? target.jobName : `${target.jobName}-${jobs.length + 1}`;
      const folder = `${target.prefix}${jobName}/`;
      const job: WrittenJob = {
        jobName,
        folderUri: `s3://${target.bucket}/${folder}`,
        firstIndex: look.buffer[0]!.index,
        records: 0,
        images: 0,
        files: [],
      };
      let jobBytes = 0;
      jobs.push(job);
      // The job takes a record only while everything still buffered would fit in it too.
      const jobFits = () =>
        job.records + look.buffer.length <= limits.maxRecordsPerJob &&
        jobBytes + look.bytes <= limits.maxBytesPerJob;
      if (!jobFits()) {
        throw new ValidationError(
          `${model}: the ${look.buffer.length} records from inputs[${job.firstIndex}] exceed limits.maxBytesPerJob (${limits.maxBytesPerJob} bytes)`,
          { model, parameter: `inputs[${job.firstIndex}]` },
        );
      }
      while (look.buffer.length > 0 && jobFits()) {
        const head = look.buffer[0]!;
        if (head.bytes > limits.maxBytesPerFile) {
          throw new ValidationError(
            `${model}: inputs[${head.index}] makes a ${head.bytes}-byte record, over limits.maxBytesPerFile (${limits.maxBytesPerFile})`,
            { model, parameter: `inputs[${head.index}]` },
          );
        }
        const name = `records-${recordIdOf(head.index)}.jsonl`;
        const key = `${folder}${name}`;
        const file: WrittenFile = {
          name,
          uri: `s3://${target.bucket}/${key}`,
          firstIndex: head.index,
          records: 0,
        };
        let fileBytes = 0;
        let failure: unknown;
        const encoder = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            try {
              let chunk = '';
              while (chunk.length < CHUNK_CHARS) {
                await look.fill();
                const next = look.buffer[0];
                if (
                  next === undefined ||
                  !jobFits() ||
                  file.records + 1 > limits.maxRecordsPerFile ||
                  fileBytes + next.bytes > limits.maxBytesPerFile
                ) {
                  if (chunk !== '') controller.enqueue(encoder.encode(chunk));
                  controller.close();
                  return;
                }
                look.take();
                chunk += `${next.line}\n`;
                file.records++;
                fileBytes += next.bytes;
                job.records++;
                job.images += next.images;
                jobBytes += next.bytes;
              }
              controller.enqueue(encoder.encode(chunk));
            } catch (error) {
              failure = error;
              controller.error(error);
            }
          },
        });
        const upload = new Upload({
          client: target.s3,
          params: { Bucket: target.bucket, Key: key, Body: body, ContentType: 'application/jsonl' },
          partSize: PART_SIZE,
          queueSize: QUEUE_SIZE,
          leavePartsOnError: false,
        });
        const onAbort = () => void upload.abort().catch(() => {});
        target.signal?.addEventListener('abort', onAbort, { once: true });
        try {
          await upload.done();
        } catch (error) {
          throw failure ?? error;
        } finally {
          target.signal?.removeEventListener('abort', onAbort);
        }
        written.push(key);
        job.files.push(file);
        target.signal?.throwIfAborted();
      }
    }
    return jobs;
  } catch (error) {
    const { DeleteObjectCommand } = await loadS3();
    await Promise.allSettled(
      written.map((key) => target.s3.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key }))),
    );
    throw error;
  }
}
