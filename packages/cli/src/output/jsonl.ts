/**
 * JSONL output: one line per input record, `{"id":...,"embedding":[...]}` or (under
 * `--on-error skip`) `{"id":...,"error":{...}}`, in input order. Each batch of lines is appended
 * with one write, and `--resume` drops a torn last line (a crash mid-write) before counting the
 * lines: the count is the number of records done.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open, stat, truncate } from 'node:fs/promises';
import { CliError, type OutputSink, type RecordResult } from './types.js';

/** A vector as JSON: `join` prints finite numbers as `JSON.stringify` does, a fifth faster. */
function vectorJson(vector: readonly number[]): string {
  for (const value of vector) if (!Number.isFinite(value)) return JSON.stringify(vector);
  return `[${vector.join(',')}]`;
}

/** The line of one result (what an uninterrupted run writes, byte for byte). */
export function resultLine(result: RecordResult): string {
  const { id } = result.record;
  return result.error === undefined
    ? `{"id":${JSON.stringify(id)},"embedding":${vectorJson(result.embedding)}}\n`
    : `{"id":${JSON.stringify(id)},"line":${result.record.line},"error":${JSON.stringify(result.error)}}\n`;
}

/** Bytes up to and including the last newline, and the newlines before it. */
async function completeLines(path: string): Promise<{ bytes: number; lines: number }> {
  let offset = 0;
  let bytes = 0;
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) {
      lines++;
      bytes = offset + at + 1;
    }
    offset += chunk.length;
  }
  return { bytes, lines };
}

/** Opens `path` for appending results; with `resume`, continues what is there. */
export async function openJsonl(path: string, resume: boolean): Promise<OutputSink> {
  let done = 0;
  const size = await stat(path).then(
    (info) => {
      if (!info.isFile()) throw new CliError(`--output ${path} is not a file.`);
      return info.size;
    },
    () => 0,
  );
  if (size > 0) {
    if (!resume) {
      throw new CliError(
        `--output ${path} already exists: pass --resume to continue it, or remove it to start again.`,
      );
    }
    const { bytes, lines } = await completeLines(path);
    if (bytes < size) await truncate(path, bytes); // a torn last line, from a crash mid-write
    done = lines;
  }
  const handle: FileHandle = await open(path, 'a');
  return {
    done,
    async write(results) {
      if (results.length === 0) return;
      let text = '';
      for (const result of results) text += resultLine(result);
      await handle.write(text);
    },
    async close() {
      await handle.close();
    },
  };
}

/** Results to stdout (`--output -`): no resume. */
export function stdoutSink(stdout: NodeJS.WritableStream = process.stdout): OutputSink {
  return {
    done: 0,
    async write(results) {
      let text = '';
      for (const result of results) text += resultLine(result);
      if (!stdout.write(text)) await new Promise((resolve) => stdout.once('drain', resolve));
    },
    async close() {},
  };
}
