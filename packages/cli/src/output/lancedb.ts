/**
 * `--into lancedb:DIR/TABLE`: rows `{ seq, id, text, vector }` appended to a LanceDB table in input
 * order (`seq` is the record's position in the input). Each `add` is one LanceDB transaction, so
 * after a crash the table holds the results of a prefix of the input, and `--resume` continues
 * after the highest `seq`. Failed records (under `--on-error skip`) have no row; they are reported
 * on stderr. `@lancedb/lancedb` is loaded only when this output is used.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutputSink, RecordResult } from './types.js';
import { CliError } from './types.js';

/** Rows buffered before one `add` (fewer LanceDB versions; a crash loses at most these). */
const ROWS_PER_ADD = 4_096;

/** Parses `lancedb:DIR/TABLE`. */
export function parseLanceTarget(target: string): { dir: string; table: string } {
  const spec = target.slice('lancedb:'.length);
  const at = spec.lastIndexOf('/');
  const dir = spec.slice(0, at);
  const table = spec.slice(at + 1);
  if (at <= 0 || table === '') {
    throw new CliError(`--into must look like lancedb:DIR/TABLE, not ${target}.`);
  }
  return { dir, table };
}

interface Row {
  seq: number;
  id: string;
  text: string;
  vector: number[];
}

/**
 * A crash while the table was being created leaves a dataset with no committed version, which
 * LanceDB cannot open (and rejects a promise of its own over): remove it, to create it again.
 */
async function dropUncommitted(dir: string, name: string): Promise<void> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dir)) return; // object stores: left to LanceDB
  const dataset = join(dir, `${name}.lance`);
  const versions = await readdir(join(dataset, '_versions')).catch(() => undefined);
  const exists = await readdir(dataset).then(
    () => true,
    () => false,
  );
  if (exists && !versions?.some((file) => file.endsWith('.manifest'))) {
    await rm(dataset, { recursive: true, force: true });
  }
}

/** Records done: `seq` only grows, and only failed records leave gaps, so the last rows are at seq >= rows - 1. */
async function recordsDone(table: import('@lancedb/lancedb').Table): Promise<number> {
  const rows = await table.countRows();
  if (rows === 0) return 0;
  const last = await table
    .query()
    .where(`seq >= ${rows - 1}`)
    .select(['seq'])
    .toArray();
  return Math.max(...last.map((row) => Number(row.seq))) + 1;
}

/** Opens (or, on the first rows, creates) the table; with `resume`, continues it. */
export async function openLance(
  target: string,
  resume: boolean,
  onSkipped: (result: RecordResult) => void,
): Promise<OutputSink> {
  const { dir, table: name } = parseLanceTarget(target);
  let lancedb: typeof import('@lancedb/lancedb');
  try {
    lancedb = await import('@lancedb/lancedb');
  } catch {
    throw new CliError('--into lancedb: needs the @lancedb/lancedb package: npm install @lancedb/lancedb');
  }
  await dropUncommitted(dir, name);
  const db = await lancedb.connect(dir);
  let table: Awaited<ReturnType<typeof db.openTable>> | undefined;
  let done = 0;
  if ((await db.tableNames()).includes(name)) {
    if (!resume) {
      throw new CliError(
        `--into ${target}: the table already exists: pass --resume to continue it, or drop it to start again.`,
      );
    }
    try {
      table = await db.openTable(name);
      done = await recordsDone(table);
    } catch {
      // A crash while the table was being created leaves a dataset with no version: start it again.
      table?.close();
      table = undefined;
      await db.dropTable(name).catch(() => undefined);
    }
  }
  let seq = done;
  let buffer: Row[] = [];
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const rows = buffer;
    buffer = [];
    if (table === undefined) table = await db.createTable(name, rows as unknown as Record<string, unknown>[]);
    else await table.add(rows as unknown as Record<string, unknown>[]);
  };
  return {
    done,
    async write(results) {
      for (const result of results) {
        const position = seq++;
        if (result.error !== undefined) onSkipped(result);
        else {
          buffer.push({
            seq: position,
            id: String(result.record.id),
            text: result.record.text ?? '',
            vector: result.embedding,
          });
        }
      }
      if (buffer.length >= ROWS_PER_ADD) await flush();
    },
    async close() {
      await flush();
      table?.close();
      db.close();
    },
  };
}
