/**
 * `pnpm bench [-- --quick] [--scenario N]... [--runs N] [--out FILE]`: runs the benchmarks, prints
 * the table and writes the JSON (full runs of every scenario: `bench/results/latest.json`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench } from './harness.js';
import { formatMarkdown, formatResults } from './report.js';
import { formatGateway, runGateway } from './scenarios/gateway.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    runs: { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`Usage: pnpm bench [-- options]
  --quick          small sizes (seconds, not minutes)
  --scenario <n>   run only scenario n (1-6; 6 = 6a and 6b; gateway: the server over two regions); repeatable
  --runs <n>       measured runs per library (default 3; quick 1)
  --profile <dir>  write CPU profiles of every client run and of the emulator under <dir>
  --out <file>     where to write the JSON, and a Markdown summary next to it (default:
                   bench/results/latest.json for a full run of every scenario,
                   quick.json or partial.json otherwise)`);
  process.exit(0);
}
const runs = values.runs === undefined ? undefined : Number(values.runs);
if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) {
  throw new Error(`--runs must be a positive integer, got '${values.runs}'`);
}

const wanted = (id: string) => values.scenario === undefined || values.scenario.includes(id);
const results = await runBench({
  quick: values.quick,
  ...(values.scenario === undefined ? {} : { only: values.scenario }),
  ...(runs === undefined ? {} : { runs }),
  ...(values.profile === undefined ? {} : { profileDir: values.profile }),
  log: (line) => console.error(line),
});
console.log(formatResults(results));
const gateway = wanted('gateway') ? await runGateway({ quick: values.quick, log: console.error }) : undefined;
if (gateway !== undefined) console.log(`\n${formatGateway(gateway)}`);

const complete = !values.quick && values.scenario === undefined;
const out =
  values.out ??
  fileURLToPath(
    new URL(`./results/${complete ? 'latest' : values.quick ? 'quick' : 'partial'}.json`, import.meta.url),
  );
mkdirSync(dirname(resolve(out)), { recursive: true });
writeFileSync(out, `${JSON.stringify({ ...results, gateway }, null, 2)}\n`);
const markdown = `${out.replace(/\.json$/, '')}.md`;
writeFileSync(markdown, `${formatMarkdown(results)}\n`);
console.log(`results written to ${out} and ${markdown}`);
