/**
 * `--into lancedb:DIR/TABLE`: rows `{ seq, id, text, vector }` appended to a LanceDB table in input
 * order (`seq` is the record's position in the input). Each `add` is one LanceDB transaction, so
 * after a crash the table holds the results of a prefix of the input, and `--resume` continues
 * after the highest `seq`. Failed records (under `--on-error skip`) have no row; they are reported
 * on stderr. `@lancedb/lancedb` is loaded only when this output is used.
 */
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
  const db = await lancedb.connect(dir);
  let table = (await db.tableNames()).includes(name) ? await db.openTable(name) : undefined;
  let done = 0;
  if (table !== undefined) {
    if (!resume) {
      throw new CliError(
        `--into ${target}: the table already exists: pass --resume to continue it, or drop it to start again.`,
      );
    }
    const rows = await table.countRows();
    if (rows > 0) {
      // `seq` only grows, and only failed records leave gaps: the last rows are at seq >= rows - 1.
      const last = await table
        .query()
        .where(`seq >= ${rows - 1}`)
        .select(['seq'])
        .toArray();
      done = Math.max(...last.map((row) => Number(row.seq))) + 1;
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
