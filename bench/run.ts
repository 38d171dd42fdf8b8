/**
 * `pnpm bench [-- --quick] [--scenario N]... [--runs N] [--out FILE]`: runs the benchmarks, prints
 * the table and writes the JSON (full runs of every scenario: `bench/results/latest.json`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBulkBench } from './bulk/run.js';
import { runBench } from './harness.js';
import { formatMarkdown, formatResults } from './report.js';
import { formatColdImport, runColdImport } from './scenarios/cold-import.js';
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
  --scenario <n>   run only scenario n (1-7; 6 = 6a and 6b; import = cold import; gateway: the server over two regions; bulk = B1-B3, or B1, B2, B3); repeatable
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
const only = values.scenario?.filter((id) => !['import', 'gateway', 'bulk'].includes(id));
const results = await runBench({
  quick: values.quick,
  ...(only === undefined ? {} : { only }),
  ...(runs === undefined ? {} : { runs }),
  ...(values.profile === undefined ? {} : { profileDir: values.profile }),
  log: (line) => console.error(line),
});
console.log(formatResults(results));
const gateway = wanted('gateway') ? await runGateway({ quick: values.quick, log: console.error }) : undefined;
if (gateway !== undefined) console.log(`\n${formatGateway(gateway)}`);
// Scenario "import": cold import time, beside the official provider (scenarios/cold-import.ts).
const coldImport = wanted('import')
  ? await runColdImport(values.quick ? 2 : (runs ?? 10), (line) => console.error(line))
  : undefined;
if (coldImport !== undefined) console.log(formatColdImport(coldImport));
const bulkIds = (values.scenario ?? ['bulk']).filter((id) => id === 'bulk' || /^B\d$/.test(id));
const bulk =
  bulkIds.length === 0
    ? []
    : await runBulkBench({
        quick: values.quick,
        log: console.error,
        ...(bulkIds.includes('bulk') ? {} : { only: bulkIds }),
      });
for (const figure of bulk)
  console.log(
    `${figure.id} ${figure.name}: ${figure.value} (target ${figure.target}) ${figure.met ? 'MET' : 'NOT MET'}`,
  );

const complete = !values.quick && values.scenario === undefined;
const out =
  values.out ??
  fileURLToPath(
    new URL(`./results/${complete ? 'latest' : values.quick ? 'quick' : 'partial'}.json`, import.meta.url),
  );
mkdirSync(dirname(resolve(out)), { recursive: true });
writeFileSync(out, `${JSON.stringify({ ...results, coldImport, gateway, bulk }, null, 2)}\n`);
const markdown = `${out.replace(/\.json$/, '')}.md`;
writeFileSync(markdown, `${formatMarkdown(results)}\n`);
console.log(`results written to ${out} and ${markdown}`);
