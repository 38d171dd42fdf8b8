/**
 * The `bedrock-embeddings embed` command as users run it (a child process over HTTP to the
 * emulator): JSONL and LanceDB output, `--resume` after SIGKILL at several points and after
 * Ctrl-C (byte-identical to an uninterrupted run), stdin, bad lines, progress on and off a terminal.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import * as lancedb from '@lancedb/lancedb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corpus, emulatorEnv, NODE_ARGS, ROOT, run, start, untilSize } from './helpers.js';

const MODEL = 'cohere.embed-v4:0';
let emu: Emulator;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emu = await startEmulator();
  env = emulatorEnv(emu);
  dir = await mkdtemp(join(tmpdir(), 'bedrock-embeddings-cli-'));
});
afterAll(async () => {
  await emu?.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  emu.configure({ latency: {} });
});

const expected = (text: string) => emu.expectedEmbedding(MODEL, text, { dimensions: 256 });
const base = (input: string, output: string) => [
  'embed',
  '--model',
  MODEL,
  '--dimensions',
  '256',
  '--input',
  input,
  '--output',
  output,
];

describe('JSONL', () => {
  it('writes {"id","embedding"} per record, in input order, each vector exact; a summary on stderr', async () => {
    const { lines, texts, ids } = corpus(500);
    const input = join(dir, 'basic.jsonl');
    await writeFile(input, lines);
    const output = join(dir, 'basic.out.jsonl');
    const result = await run(base(input, output), env);
    expect(result.stderr).toMatch(/done: 500\/500 inputs, 0 failed, 6 requests, \d+ retries, \d+ tokens, \$/);
    expect(result.code).toBe(0);
    const rows = (await readFile(output, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => row.id)).toEqual(ids);
    rows.forEach((row, i) => {
      expect(row.embedding).toEqual(expected(texts[i]!));
    });
  });

  it('reads stdin (-) as plain lines, ids are line numbers; refuses to overwrite without --resume', async () => {
    const output = join(dir, 'stdin.out.jsonl');
    const args = [...base('-', output), '--input-format', 'lines'];
    const result = await run(args, env, 'first text\n\nsecond text\n');
    expect(result.code).toBe(0);
    const rows = (await readFile(output, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toEqual([
      { id: 1, embedding: expected('first text') },
      { id: 3, embedding: expected('second text') },
    ]);
    const again = await run(args, env, 'first text\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists: pass --resume');
  });

  it('bad lines: named by line number; --on-error skip writes an error line in place and goes on', async () => {
    const input = join(dir, 'bad.jsonl');
    await writeFile(
      input,
      [
        '{"id":"a","text":"alpha"}',
        '{"id":"b","text":"beta"}',
        '{"id":"c", text: oops}',
        '{"id":"d","body":"no text field"}',
        '{"id":"e","text":""}',
        '{"id":"f","text":"phi"}',
      ].join('\n'),
    );
    const thrown = await run(base(input, join(dir, 'bad-throw.jsonl')), env);
    expect(thrown.code).toBe(1);
    expect(thrown.stderr).toContain('line 3 is not JSON');
    const before = (await readFile(join(dir, 'bad-throw.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(before.map((line) => JSON.parse(line).id)).toEqual(['a', 'b']);

    const output = join(dir, 'bad-skip.jsonl');
    const skipped = await run([...base(input, output), '--on-error', 'skip'], env);
    expect(skipped.code).toBe(0);
    const rows = (await readFile(output, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => [row.id, row.embedding === undefined ? row.error.code : 'ok'])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
      [3, 'BAD_INPUT'],
      ['d', 'BAD_INPUT'],
      ['e', 'VALIDATION'],
      ['f', 'ok'],
    ]);
    expect(rows[2].error.message).toContain('line 3 is not JSON');
    expect(rows[3].error.message).toBe('line 4 has no "text" field');
    expect(rows[4].error.message).toMatch(/^line 5: .*inputs\[4\]/);
    expect(skipped.stderr).toContain('done: 6/6 inputs, 3 failed');

    const missing = await run(base(join(dir, 'nope.jsonl'), join(dir, 'x.jsonl')), env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot read --input');
  });
});

describe('crash safety', () => {
  it('SIGKILL at several points, then --resume: byte-identical to an uninterrupted run', async () => {
    const { lines } = corpus(3_000, 'kill');
    const input = join(dir, 'kill.jsonl');
    await writeFile(input, lines);
    const reference = join(dir, 'kill.reference.jsonl');
    expect((await run(base(input, reference), env)).code).toBe(0);
    const whole = await readFile(reference);

    emu.configure({ latency: { fixedMs: 60 } });
    const output = join(dir, 'kill.out.jsonl');
    const args = [...base(input, output), '--concurrency', '2', '--resume'];
    for (const share of [0.1, 0.45, 0.8]) {
      const running = start(args, env);
      await untilSize(output, Math.floor(whole.length * share));
      running.child.kill('SIGKILL');
      expect((await running.exit).signal).toBe('SIGKILL');
    }
    emu.configure({ latency: {} });
    const resumed = await run(args, env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming after \d+ inputs already written/);
    expect((await readFile(output)).equals(whole)).toBe(true);
  });

  it('Ctrl-C stops with no torn line and prints how to resume; resuming completes the same file', async () => {
    const { lines } = corpus(2_000, 'sigint');
    const input = join(dir, 'sigint.jsonl');
    await writeFile(input, lines);
    const reference = join(dir, 'sigint.reference.jsonl');
    expect((await run(base(input, reference), env)).code).toBe(0);
    const whole = await readFile(reference);

    emu.configure({ latency: { fixedMs: 60 } });
    const output = join(dir, 'sigint.out.jsonl');
    const running = start([...base(input, output), '--concurrency', '2'], env);
    await untilSize(output, Math.floor(whole.length * 0.3));
    running.child.kill('SIGINT');
    expect((await running.exit).code).toBe(130);
    expect(running.stderr()).toContain('interrupted: ');
    expect(running.stderr()).toMatch(/To continue:\n {2}bedrock-embeddings embed .* --resume\n/);
    const partial = await readFile(output);
    expect(partial.length).toBeLessThan(whole.length);
    expect(partial.at(-1)).toBe(10); // ends with a whole line
    emu.configure({ latency: {} });
    expect((await run([...base(input, output), '--resume'], env)).code).toBe(0);
    expect((await readFile(output)).equals(whole)).toBe(true);
  });
});

describe('LanceDB', () => {
  it('--into lancedb:DIR/TABLE writes { seq, id, text, vector } rows; SIGKILL + --resume completes it exactly', async () => {
    const { lines, texts, ids } = corpus(6_000, 'lance');
    const input = join(dir, 'lance.jsonl');
    await writeFile(input, lines);
    const target = `lancedb:${join(dir, 'lance')}/docs`;
    const args = ['embed', '--model', MODEL, '--dimensions', '256', '--input', input, '--into', target];

    emu.configure({ latency: { fixedMs: 40 } });
    const running = start([...args, '--concurrency', '2'], env);
    // Killed once a first add (4,096 rows) is committed, before the rest. Polls the files, not the
    // table: opening a table while it is being created makes LanceDB reject a promise of its own.
    const versions = join(dir, 'lance', 'docs.lance', '_versions');
    const committed = async () =>
      (await readdir(versions).catch(() => [])).some((file) => file.endsWith('.manifest'));
    for (let i = 0; i < 3_000 && !(await committed()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    running.child.kill('SIGKILL');
    await running.exit;
    emu.configure({ latency: {} });

    const resumed = await run([...args, '--resume'], env);
    // The first add is of the chunks that made at least 4,096 rows.
    expect(Number(/Resuming after (\d+) inputs already written/.exec(resumed.stderr)?.[1])).toBe(4_128);
    expect(resumed.code).toBe(0);
    const table = await (await lancedb.connect(join(dir, 'lance'))).openTable('docs');
    expect(await table.countRows()).toBe(6_000);
    const rows = await table.query().select(['seq', 'id', 'text', 'vector']).limit(10_000).toArray();
    rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    expect(rows.map((row) => Number(row.seq))).toEqual(ids.map((_, i) => i));
    expect(rows.map((row) => row.id)).toEqual(ids);
    for (const i of [0, 1, 4_095, 4_096, 5_999]) {
      expect(rows[i].text).toBe(texts[i]);
      expect(Array.from(rows[i].vector as Iterable<number>)).toEqual(
        expected(texts[i]!).map((value) => Math.fround(value)),
      );
    }
    const hits = await table.vectorSearch(expected(texts[42]!)).limit(1).toArray();
    expect(hits[0].id).toBe(ids[42]);

    const again = await run(args, env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the table already exists: pass --resume');
  });
});

describe('progress', () => {
  it('off a terminal: a progress line every --progress-every seconds, then the summary', async () => {
    const { lines } = corpus(1_500, 'plain');
    const input = join(dir, 'plain.jsonl');
    await writeFile(input, lines);
    emu.configure({ latency: { fixedMs: 80 } });
    const result = await run(
      [...base(input, join(dir, 'plain.out.jsonl')), '--concurrency', '1', '--progress-every', '0.2'],
      env,
    );
    expect(result.code).toBe(0);
    const progress = result.stderr.split('\n').filter((line) => line.startsWith('progress: '));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[0]).toMatch(/^progress: \d+\/1500 inputs, 0 failed, \d+ requests/);
    expect(result.stderr).not.toContain('\u001b['); // no escape codes in a log
    expect(result.stderr).toMatch(/done: 1500\/1500 inputs/);
  });

  it('on a pseudo-terminal (script): a progress bar with rate, ETA, tokens and cost', async () => {
    const { lines } = corpus(1_500, 'tty');
    const input = join(dir, 'tty.jsonl');
    await writeFile(input, lines);
    emu.configure({ latency: { fixedMs: 80 } });
    const command = [
      process.execPath,
      ...NODE_ARGS,
      ...base(input, join(dir, 'tty.out.jsonl')),
      '--concurrency',
      '1',
    ]
      .map((word) => `'${word}'`)
      .join(' ');
    // Asynchronously: the emulator answering the command runs in this process.
    const { stdout: screen } = await promisify(execFile)('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(screen).toMatch(/[█░]+ \d+% \| \d+\/1500 inputs \| \d+ inputs\/s \| ETA \S+ \| \d+ tokens \| \$/);
    expect(screen).toContain('\u001b['); // drawn in place
    expect(screen).toMatch(/done: 1500\/1500 inputs/);
    expect(screen).not.toMatch(/^progress: /m);
  });
});
