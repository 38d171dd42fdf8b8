/**
 * The `embedStream` fault run, shared by the default-size test and the 50,000-input soak test:
 * inputs from an async generator, the emulator injecting faults, one text Bedrock rejects (too
 * many tokens for `max_tokens` under `truncate: 'none'`) and one empty text (bad locally).
 */
import { type BedrockEmbeddings, InputsFailedError } from '@bedrock-embeddings/core';
import type { Emulator } from '@bedrock-embeddings/emulator';
import { distinctTexts } from './reliability-helpers.js';

export const STREAM_MODEL = 'us.cohere.embed-v4:0';
const PARAMS = { dimensions: 256, truncate: 'none', providerOptions: { max_tokens: 100 } } as const;
const TOO_LONG = 'word '.repeat(300);

/** The texts of a run of `count` inputs, with the rejected one at `rejected` and the empty one at `empty`. */
export function streamTexts(
  count: number,
  withEmpty = true,
): { texts: string[]; rejected: number; empty: number } {
  const texts = distinctTexts(count, 'stream');
  const rejected = Math.floor(count * 0.61);
  const empty = Math.floor(count * 0.27);
  texts[rejected] = TOO_LONG;
  if (withEmpty) texts[empty] = '';
  return { texts, rejected, empty };
}

async function* slowly<T>(items: readonly T[], pulled: { count: number }): AsyncGenerator<T> {
  for (const item of items) {
    pulled.count++;
    // A real cursor answers asynchronously: let other work run between inputs now and then.
    if (pulled.count % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

/** Figures of a skip run: what was checked and what went wrong. */
export interface StreamRunFigures {
  vectors: number;
  mismatched: number[];
  outOfOrder: number[];
  failed: { index: number; parameter: string | undefined }[];
  requests: number;
  faults: number;
}

/** Streams `count` inputs with `onError: 'skip'` and checks every vector against the emulator's. */
export async function skipRun(
  bedrock: BedrockEmbeddings,
  emu: Emulator,
  count: number,
): Promise<StreamRunFigures> {
  const { texts } = streamTexts(count);
  const pulled = { count: 0 };
  const figures: StreamRunFigures = {
    vectors: 0,
    mismatched: [],
    outOfOrder: [],
    failed: [],
    requests: 0,
    faults: 0,
  };
  let next = 0;
  for await (const chunk of bedrock.embedStream({
    model: STREAM_MODEL,
    inputs: slowly(texts, pulled),
    onError: 'skip',
    ...PARAMS,
  })) {
    if (chunk.start !== next) figures.outOfOrder.push(chunk.start);
    if (chunk.errors !== undefined) {
      for (const { index, error } of chunk.errors) {
        figures.failed.push({ index, parameter: (error as { parameter?: string }).parameter });
      }
      next = chunk.start + chunk.errors.length;
      continue;
    }
    chunk.embeddings.forEach((vector, k) => {
      const want = emu.expectedEmbedding(STREAM_MODEL, texts[chunk.start + k]!, { dimensions: 256 });
      if (
        figures.mismatched.length < 20 &&
        (vector.length !== want.length || vector.some((v, i) => v !== want[i]))
      ) {
        figures.mismatched.push(chunk.start + k);
      }
    });
    figures.vectors += chunk.embeddings.length;
    next = chunk.start + chunk.embeddings.length;
  }
  if (next !== count) figures.outOfOrder.push(next);
  const stats = emu.stats();
  figures.requests = stats.requests.total;
  figures.faults = Object.values(stats.faultsInjected).reduce((sum, n) => sum + n, 0);
  return figures;
}

/** Streams the same inputs under `onError: 'throw'`: the chunks before the first bad input, then its error. */
export async function throwRun(
  bedrock: BedrockEmbeddings,
  count: number,
  withEmpty: boolean,
): Promise<{ yieldedUpTo: number; error: unknown }> {
  const { texts } = streamTexts(count, withEmpty);
  let next = 0;
  try {
    for await (const chunk of bedrock.embedStream({
      model: STREAM_MODEL,
      inputs: slowly(texts, { count: 0 }),
      ...PARAMS,
    })) {
      if (chunk.start !== next || chunk.embeddings === undefined)
        throw new Error(`unexpected chunk at ${chunk.start}`);
      next += chunk.embeddings.length;
    }
  } catch (error) {
    return { yieldedUpTo: next, error };
  }
  return { yieldedUpTo: next, error: undefined };
}

export { InputsFailedError };
