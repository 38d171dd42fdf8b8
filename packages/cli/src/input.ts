/**
 * Reading the corpus: JSONL (one object per line, the text and id taken from named fields) or plain
 * lines, from a file or stdin, one record per non-blank line, each carrying its line number so that
 * every message can point at it. A line that cannot be read becomes a record with a `problem`.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** How to read input lines. */
export interface InputFormat {
  format: 'jsonl' | 'lines';
  /** JSONL: the field holding the text (default `text`). */
  textField: string;
  /** JSONL: the field holding the id (default `id`; the line number when absent). */
  idField: string;
}

/** One input record: its id (from the line or its number), its text, or why it cannot be embedded. */
export interface InputRecord {
  /** 1-based line number in the input. */
  line: number;
  /** The id field's value, else the line number. */
  id: string | number;
  /** The text to embed, unless `problem` is set. */
  text?: string;
  /** Why this line is not an input: not JSON, no text field, ... */
  problem?: string;
}

/** Opens `path` (`-` for stdin); errors (missing file, a directory) surface on the first read. */
export function openInput(path: string, stdin: Readable = process.stdin): Readable {
  return path === '-' ? stdin : createReadStream(path);
}

/** Parses one line into a record (`undefined` for a blank line, which is no record). */
export function parseLine(text: string, line: number, format: InputFormat): InputRecord | undefined {
  if (text.trim() === '') return undefined;
  if (format.format === 'lines') return { line, id: line, text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, id: line, problem: `line ${line} is not JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, id: line, problem: `line ${line} is not a JSON object` };
  }
  const fields = value as Record<string, unknown>;
  const rawId = fields[format.idField];
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : line;
  const body = fields[format.textField];
  if (typeof body !== 'string') {
    return {
      line,
      id,
      problem:
        body === undefined
          ? `line ${line} has no "${format.textField}" field`
          : `line ${line}: "${format.textField}" must be a string, not ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`,
    };
  }
  return { line, id, text: body };
}

/** The records of `input`, after skipping the first `skip` of them (already done, on resume). */
export async function* readRecords(
  input: Readable,
  format: InputFormat,
  skip = 0,
): AsyncGenerator<InputRecord> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  let skipped = 0;
  try {
    for await (const text of lines) {
      line++;
      if (skipped < skip) {
        if (text.trim() !== '') skipped++;
        continue;
      }
      const record = parseLine(text, line, format);
      if (record !== undefined) yield record;
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Counts the records of a file (for the progress bar's total and ETA); undefined for stdin. */
export async function countRecords(path: string): Promise<number | undefined> {
  if (path === '-') return undefined;
  let count = 0;
  let blank = true;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === 10) {
        if (!blank) count++;
        blank = true;
      } else if (byte !== 13 && byte !== 32 && byte !== 9) {
        blank = false;
      }
    }
  }
  return blank ? count : count + 1;
}
