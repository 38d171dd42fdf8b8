/**
 * Progress on stderr: a `cli-progress` bar on a terminal (inputs/s, ETA, tokens, estimated cost),
 * else one plain line every few seconds (logs, CI); and a summary line at the end either way.
 */
import type { EmbedProgress } from '@bedrock-embeddings/core';
import cliProgress from 'cli-progress';

/** Counts of a run: this run's progress plus the records a resume skipped. */
export interface RunFigures extends EmbedProgress {
  /** Records already written before this run (`--resume`). */
  resumed: number;
}

function cost(usd: number | undefined): string {
  return usd === undefined ? 'cost unknown' : `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One line of figures, for logs and for the summary. */
export function describe(figures: RunFigures, total: number | undefined): string {
  const done = figures.resumed + figures.inputsDone + figures.inputsFailed;
  const rate = figures.elapsedMs > 0 ? Math.round((figures.inputsDone * 1000) / figures.elapsedMs) : 0;
  return (
    `${done}${total === undefined ? '' : `/${total}`} inputs` +
    (figures.resumed > 0 ? ` (${figures.resumed} from before)` : '') +
    `, ${figures.inputsFailed} failed, ${figures.requests} requests, ${figures.retries} retries, ` +
    `${figures.inputTokens} tokens, ${cost(figures.costUsd)}, ${seconds(figures.elapsedMs)} (${rate} inputs/s)`
  );
}

/** Shows progress while a run goes on. */
export class ProgressDisplay {
  readonly #bar: cliProgress.SingleBar | undefined;
  readonly #stream: NodeJS.WriteStream;
  readonly #total: number | undefined;
  readonly #everyMs: number;
  #lastLine = performance.now();
  #figures: RunFigures;

  constructor(options: {
    stream: NodeJS.WriteStream;
    total: number | undefined;
    resumed: number;
    everyMs: number;
  }) {
    this.#stream = options.stream;
    this.#total = options.total;
    this.#everyMs = options.everyMs;
    this.#figures = {
      resumed: options.resumed,
      inputsDone: 0,
      inputsFailed: 0,
      requests: 0,
      retries: 0,
      inputTokens: 0,
      costUsd: 0,
      elapsedMs: 0,
    };
    if (options.stream.isTTY === true) {
      const known = options.total !== undefined;
      this.#bar = new cliProgress.SingleBar(
        {
          stream: options.stream,
          format: `${known ? '{bar} {percentage}% | {value}/{total}' : '{value}'} inputs | {speed} inputs/s | ${known ? 'ETA {eta_formatted} | ' : ''}{tokens} tokens | {cost} | {failed} failed`,
          hideCursor: true,
          etaBuffer: 40,
          fps: 5,
          noTTYOutput: false,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(options.total ?? 0, options.resumed, this.#payload());
    }
  }

  #payload(): Record<string, string | number> {
    const figures = this.#figures;
    return {
      speed: figures.elapsedMs > 0 ? Math.round((figures.inputsDone * 1000) / figures.elapsedMs) : 0,
      tokens: figures.inputTokens,
      cost: cost(figures.costUsd),
      failed: figures.inputsFailed,
    };
  }

  /** The figures so far, resumed records included. */
  get figures(): RunFigures {
    return this.#figures;
  }

  update(progress: EmbedProgress): void {
    this.#figures = { ...progress, resumed: this.#figures.resumed };
    const done = this.#figures.resumed + progress.inputsDone + progress.inputsFailed;
    if (this.#bar !== undefined) {
      this.#bar.update(done, this.#payload());
      return;
    }
    const now = performance.now();
    if (now - this.#lastLine >= this.#everyMs) {
      this.#lastLine = now;
      this.#stream.write(`progress: ${describe(this.#figures, this.#total)}\n`);
    }
  }

  /** Stops the bar (leaving it on screen) and prints the summary line. */
  finish(outcome: string): void {
    this.#bar?.stop();
    this.#stream.write(`${outcome}: ${describe(this.#figures, this.#total)}\n`);
  }
}
