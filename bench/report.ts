/** The readable table of a benchmark run (the JSON holds every figure; this shows the ones that matter). */
import type { BenchResults, LibraryResult, ScenarioResult, Spread } from './harness.js';
import { LIBRARY_LABELS, type LibraryId } from './scenarios.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ratio = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? '' : `${value.toFixed(2)}x`;
const count = (value: Spread) =>
  value.min === value.max ? `${value.median}` : `${value.median} (${value.min}-${value.max})`;

function metricCell(scenario: ScenarioResult, library: LibraryResult): string {
  // A failed run's figures are the time until it gave up: say so next to them.
  const failed =
    library.okRuns < library.runs.length ? `, ${library.runs.length - library.okRuns} failed` : '';
  const show = (value: Spread, unit: (v: number) => string) =>
    `${unit(value.median)} (${unit(value.min)}-${unit(value.max)}${failed})`;
  if (scenario.metric === 'cpu') return show(library.cpuPer1kVectorsMs, (v) => `${v.toFixed(1)} ms`);
  if (scenario.metric === 'rss') return show(library.rssGrowthBytes, mib);
  return show(library.wallMs, seconds);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row, index) => {
      const line = row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ');
      return index === 0 ? `${line}\n${widths.map((width) => '-'.repeat(width)).join('-|-')}` : line;
    })
    .join('\n');
}

const METRIC_TITLES = {
  wall: 'wall median (min-max)',
  cpu: 'CPU / 1k vectors median (min-max)',
  rss: 'peak RSS growth median (min-max)',
} as const;

/** One scenario: its set-up, a row per library (and per library that cannot run it), the verdict. */
export function formatScenario(scenario: ScenarioResult): string {
  const w = scenario.workload;
  const setup = [
    `${w.texts.toLocaleString('en-US')} texts`,
    w.model,
    `${w.dimensions} dims`,
    `${w.latencyMs} ms latency`,
    w.concurrency === undefined ? 'each library at its default concurrency' : `concurrency ${w.concurrency}`,
    ...(w.requestsPerMinute === undefined
      ? []
      : [`quota ${w.requestsPerMinute} requests/min (per ${w.quotaWindowMs ?? 60_000} ms window)`]),
    `${scenario.requestsNeeded} requests needed`,
    `${scenario.runs} run(s) per library`,
    scenario.metric === 'rss'
      ? `returned arrays ${mib(scenario.arraysBytes)}`
      : `ideal ${seconds(scenario.idealMs)}`,
  ].join(', ');
  const header = [
    'library',
    METRIC_TITLES[scenario.metric],
    ...(scenario.metric === 'wall' ? ['x ideal'] : []),
    ...(scenario.metric === 'rss' ? ['x arrays', 'peak RSS', 'retained heap'] : []),
    'x floor',
    'x core',
    'wall',
    'CPU',
    'requests',
    'peak conc.',
    'TCP conns',
    'emulator CPU',
    'ok runs',
  ];
  const rows = [header];
  for (const library of scenario.libraries) {
    rows.push([
      library.label,
      metricCell(scenario, library),
      ...(scenario.metric === 'wall' ? [ratio(library.vsIdeal)] : []),
      ...(scenario.metric === 'rss'
        ? [
            ratio(library.rssGrowthBytes.median / scenario.arraysBytes),
            mib(library.peakRssBytes.median),
            mib(library.retainedHeapBytes.median),
          ]
        : []),
      ratio(library.vsFloor),
      ratio(library.vsCore),
      seconds(library.wallMs.median),
      `${library.cpuMs.median.toFixed(0)} ms`,
      count(library.requests),
      count(library.peakConcurrency),
      count(library.connections),
      `${library.emulatorCpuMs.median.toFixed(0)} ms`,
      `${library.okRuns}/${library.runs.length}`,
    ]);
  }
  const ran = new Set(scenario.libraries.map((library) => library.library));
  const lines = [
    `Scenario ${scenario.id}: ${scenario.name}`,
    `  ${setup}`,
    `  target: ${scenario.target}`,
    table(rows)
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n'),
  ];
  for (const [library, note] of Object.entries(scenario.notes) as [LibraryId, string][]) {
    lines.push(`  ${ran.has(library) ? '' : 'not run: '}${LIBRARY_LABELS[library]}: ${note}`);
  }
  for (const library of scenario.libraries) {
    const failed = library.runs.find((run) => !run.ok);
    if (failed !== undefined) {
      lines.push(
        `  ${library.label} failed ${library.runs.length - library.okRuns} run(s): ${failed.error ?? `${failed.wellFormed} of ${scenario.workload.texts} vectors`}`,
      );
    }
  }
  const versus = Object.entries(scenario.coreVs).map(([label, value]) =>
    value === null ? `${label} completed no run` : `${ratio(value)} ${label}`,
  );
  if (versus.length > 0) lines.push(`  core vs competitors (${scenario.metric}): ${versus.join(', ')}`);
  lines.push(`  verdict: ${scenario.verdict.detail}`);
  return lines.join('\n');
}

/** The whole run. */
export function formatResults(results: BenchResults): string {
  const m = results.machine;
  return [
    `bedrock-embeddings benchmarks, ${results.date}${results.quick ? ' (quick sizes)' : ''}`,
    `${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; ${results.runsPerScenario} run(s) per library unless said, ` +
      `each in a fresh process; emulator in its own process, auth ${results.emulator.auth}; ${results.totalSeconds.toFixed(0)} s in all; ` +
      `load average ${results.loadAverage.start.toFixed(1)} at start, ${results.loadAverage.end.toFixed(1)} at end`,
    '',
    ...results.scenarios.map((scenario) => `${formatScenario(scenario)}\n`),
  ].join('\n');
}

/** A Markdown summary (one row per library and scenario), for the READMEs' comparison tables. */
export function formatMarkdown(results: BenchResults): string {
  const lines = [
    '| scenario | library | measure: median (min-max) | x floor | x ideal | x core | requests | peak conc. | TCP conns | complete runs |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const scenario of results.scenarios) {
    for (const library of scenario.libraries) {
      const measure =
        scenario.metric === 'rss'
          ? `${metricCell(scenario, library)} RSS growth, ${ratio(library.rssGrowthBytes.median / scenario.arraysBytes)} the arrays`
          : scenario.metric === 'cpu'
            ? `${metricCell(scenario, library)} CPU per 1k vectors`
            : `${metricCell(scenario, library)} wall`;
      lines.push(
        `| ${scenario.id} | ${library.label} | ${measure} | ${ratio(library.vsFloor)} | ${ratio(library.vsIdeal)} | ${ratio(library.vsCore)} | ${count(library.requests)} | ${count(library.peakConcurrency)} | ${count(library.connections)} | ${library.okRuns}/${library.runs.length} |`,
      );
    }
    const ran = new Set(scenario.libraries.map((library) => library.library));
    for (const [library, note] of Object.entries(scenario.notes) as [LibraryId, string][]) {
      if (!ran.has(library))
        lines.push(`| ${scenario.id} | ${LIBRARY_LABELS[library]} | not run: ${note} | | | | | | | |`);
    }
  }
  lines.push('', '| scenario | target | verdict |', '|---|---|---|');
  for (const scenario of results.scenarios) {
    lines.push(`| ${scenario.id} | ${scenario.target} | ${scenario.verdict.detail} |`);
  }
  return lines.join('\n');
}
