/**
 * Scenario "import" (issue 15): cold import time of what an AI SDK app loads, ours against the
 * official provider: `ai` + `@bedrock-embeddings/ai-sdk-provider` versus `ai` +
 * `@ai-sdk/amazon-bedrock`, with `ai` alone and our core alone beside them. Each run is a fresh
 * Node process importing the published builds (`dist`, so run `pnpm build` first) with plain Node
 * resolution, timed inside the process from the first `import()` to the last, so process start-up
 * is not counted. Runs are interleaved and the median is reported. Target: ours no slower.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What each run imports, in order. */
export const IMPORT_SETS: Record<string, string[]> = {
  'ai alone': ['ai'],
  'ai + @ai-sdk/amazon-bedrock': ['ai', '@ai-sdk/amazon-bedrock'],
  'ai + this project (ai-sdk-provider)': ['ai', '@bedrock-embeddings/ai-sdk-provider'],
  'this project: core alone': ['@bedrock-embeddings/core'],
};

export interface ColdImportResult {
  runs: number;
  /** Per set: every run's import time in ms, and the median. */
  sets: { name: string; modules: string[]; ms: number[]; medianMs: number }[];
  /** Ours over the official provider, medians. */
  ratio: number;
  target: string;
  met: boolean;
}

const benchDir = fileURLToPath(new URL('..', import.meta.url));

function importOnce(modules: string[]): Promise<number> {
  const code = `const t = performance.now(); for (const m of ${JSON.stringify(modules)}) await import(m); console.log(performance.now() - t);`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', code],
      { cwd: benchDir },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`importing ${modules.join(', ')} failed (run pnpm build first?): ${stderr}`));
        else resolve(Number(stdout.trim().split('\n').at(-1)));
      },
    );
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Measures every set `runs` times, interleaved. */
export async function runColdImport(
  runs: number,
  log: (line: string) => void = () => {},
): Promise<ColdImportResult> {
  const ms = new Map<string, number[]>(Object.keys(IMPORT_SETS).map((name) => [name, []]));
  for (let run = 1; run <= runs; run++) {
    for (const [name, modules] of Object.entries(IMPORT_SETS)) {
      const time = await importOnce(modules);
      ms.get(name)!.push(time);
      log(`import run ${run}/${runs} ${name}: ${time.toFixed(1)} ms`);
    }
  }
  const sets = Object.entries(IMPORT_SETS).map(([name, modules]) => ({
    name,
    modules,
    ms: ms.get(name)!,
    medianMs: median(ms.get(name)!),
  }));
  const byName = (name: string) => sets.find((set) => set.name === name)!.medianMs;
  const ratio = byName('ai + this project (ai-sdk-provider)') / byName('ai + @ai-sdk/amazon-bedrock');
  return { runs, sets, ratio, target: 'ai + ours <= 1.00x ai + @ai-sdk/amazon-bedrock', met: ratio <= 1 };
}

/** The table `pnpm bench` prints. */
export function formatColdImport(result: ColdImportResult): string {
  const lines = [
    `Cold import (${result.runs} fresh processes each, median, min-max)`,
    ...result.sets.map(
      (set) =>
        `  ${set.name.padEnd(40)} ${set.medianMs.toFixed(1).padStart(7)} ms (${Math.min(...set.ms).toFixed(1)}-${Math.max(...set.ms).toFixed(1)})`,
    ),
    `  ours / @ai-sdk/amazon-bedrock: ${result.ratio.toFixed(2)}x; target ${result.target}: ${result.met ? 'met' : 'MISSED'}`,
  ];
  return lines.join('\n');
}
