/**
 * # `embedStream`: any number of inputs in bounded memory
 *
 * ```ts
 * for await (const chunk of bedrock.embedStream({ model, inputs: readLines(file), onError: 'skip' })) {
 *   if (chunk.errors) log(chunk.errors); // [{ index, error }]
 *   else await store.insert(chunk.start, chunk.embeddings);
 * }
 * ```
 *
 * Inputs are read lazily from an `Iterable` or `AsyncIterable`, a window at a time (one request's
 * worth: 96 texts for Cohere, 1 for the others); each window is checked, planned (`planRequests`:
 * Cohere's 96 texts and byte budget), and sent through `sendBatch`, the per-request path `embed`
 * uses, within the client's shared `Limiter` and pacer. At most `maxConcurrency` windows are read
 * ahead of the one the consumer is at: while the consumer is busy (a vector store insert), nothing
 * more is read, so memory stays flat however long the stream, and a crashed consumer loses at most
 * `maxConcurrency` requests' worth of vectors.
 *
 * Chunks come in input order. A failure (a bad input found locally, a request Bedrock rejects
 * (`400`), one that still fails after the retries) is kept to the inputs concerned: a request
 * rejected with `400` is split in halves until the input at fault is found, so one bad input in
 * 96 costs a few requests, not 95 vectors. Under `onError: 'skip'` failed inputs come as
 * `{ start, errors }` chunks; under `'throw'` (the default) the chunks before the first failed
 * input are yielded, then an `InputsFailedError` names it. Breaking out of the loop, or the
 * caller's `signal`, cancels the requests in flight; the iteration settles only once none is left.
 */

import { lookupCache } from '../cache/index.js';
import { planRequests } from '../embed/plan.js';
import {
  type BatchResult,
  encodingFormats,
  type PreparedCall,
  prepareCall,
  type SendContext,
  sendBatch,
} from '../embed/send.js';
import { BedrockEmbeddingsError, InputsFailedError, ValidationError } from '../errors.js';
import { atInput, normalizeInput } from '../inputs.js';
import { checkInvocation } from '../params.js';
import { isApplicationProfileArn } from '../profiles/index.js';
import { abortErrorOf } from '../run.js';
import { checkSignal, linkAbort, untilAborted } from '../signals.js';
import { type CallTrace, startCall } from '../telemetry/index.js';
import type {
  BedrockEmbeddings,
  EmbeddingCache,
  EmbeddingInput,
  EmbeddingType,
  EmbeddingWarning,
  EmbedStreamChunk,
  EmbedStreamRequest,
  NormalizedInput,
  Usage,
} from '../types.js';
import { sumUsage } from '../usage.js';
import { ProgressMeter } from './progress.js';

export { PROGRESS_INTERVAL_MS, ProgressMeter } from './progress.js';

/** What the stream shares with the client: the send path, its concurrency limit and pacers. */
export type StreamContext = SendContext;

/** The `embedStream` method of a client. */
export function createStreamApi(context: StreamContext): Pick<BedrockEmbeddings, 'embedStream'> {
  return { embedStream: (request) => embedStream(context, request) };
}

/** Windows read ahead of the consumer, per slot of the client's concurrency limit. */
const WINDOWS_PER_SLOT = 1;

function embedStream(context: StreamContext, request: EmbedStreamRequest): AsyncIterable<EmbedStreamChunk> {
  // Model and parameters are checked now, before any input is read; an application inference
  // profile, whose model is looked up (GetInferenceProfile), at the first read.
  const deferred = request.baseModel === undefined && isApplicationProfileArn(request.model);
  const call = deferred ? undefined : prepareCall(request, undefined, context.region);
  if (call !== undefined) checkInvocation([], call.resolved, 'sync');
  const model = request.model;
  checkSignal(request.signal, model);
  const onError = request.onError ?? 'throw';
  if (onError !== 'throw' && onError !== 'skip') {
    throw new ValidationError(`${model}: \`onError\` must be 'throw' or 'skip', not ${String(onError)}.`, {
      model,
      parameter: 'onError',
    });
  }
  const { inputs } = request;
  if (
    typeof inputs !== 'object' ||
    inputs === null ||
    !(Symbol.asyncIterator in inputs || Symbol.iterator in inputs)
  ) {
    throw new ValidationError(`${model}: \`inputs\` must be an Iterable or an AsyncIterable of inputs.`, {
      model,
      parameter: 'inputs',
    });
  }
  return { [Symbol.asyncIterator]: () => run(context, call, request, onError === 'skip') };
}

/** One window of consecutive inputs: each normalised, or the error that made it fail locally. */
interface Window {
  start: number;
  items: (NormalizedInput | BedrockEmbeddingsError)[];
}

/** A sent window: per position a vector or an error, and the requests that carried it. */
interface WindowResult {
  start: number;
  /** Which positions the cache served. */
  hits: boolean[];
  /** Cache failures while sending this window. */
  warnings: EmbeddingWarning[];
  vectors: (number[] | undefined)[];
  byType: Partial<Record<EmbeddingType, number[][]>>;
  errors: (BedrockEmbeddingsError | undefined)[];
  /** Each answered request, by the position of its first input. */
  requests: { first: number; inputs: NormalizedInput[]; result: BatchResult }[];
}

function noop(): void {}

async function* run(
  context: StreamContext,
  prepared: PreparedCall | undefined,
  request: EmbedStreamRequest,
  skip: boolean,
): AsyncGenerator<EmbedStreamChunk> {
  const route = { family: request.family, baseModel: request.baseModel };
  const call =
    prepared ??
    prepareCall(request, await context.resolve(request.model, route, request.signal), context.region);
  if (prepared === undefined) checkInvocation([], call.resolved, 'sync');
  const { resolved } = call;
  const cache = request.cache === false ? undefined : (request.cache ?? context.cache);
  const span = await startCall(context.telemetry, {
    operation: 'embeddings',
    model: request.model,
    attributes: {
      'gen_ai.embeddings.dimension.count': call.params.dimensions,
      'gen_ai.request.encoding_formats': encodingFormats(call.params),
      'bedrock_embeddings.stream': true,
    },
  });
  let callWarnings: EmbeddingWarning[] | undefined = call.warnings.length > 0 ? call.warnings : undefined;
  let failure: unknown;
  const { model } = resolved;
  const windowSize = Math.max(1, resolved.spec.capabilities.maxInputsPerRequest);
  const maxWindows = WINDOWS_PER_SLOT * context.limiter.limit;
  const meter = new ProgressMeter(resolved.spec, request.onProgress);
  const controller = new AbortController();
  // One listener on the caller's signal, removed when the stream ends (see `linkAbort`).
  const unlink = linkAbort(request.signal, controller);
  const signal = controller.signal;
  const aborted = (): BedrockEmbeddingsError => abortErrorOf(request.signal ?? signal, model);

  const source: Iterator<EmbeddingInput> | AsyncIterator<EmbeddingInput> =
    Symbol.asyncIterator in request.inputs
      ? (request.inputs as AsyncIterable<EmbeddingInput>)[Symbol.asyncIterator]()
      : (request.inputs as Iterable<EmbeddingInput>)[Symbol.iterator]();
  let exhausted = false;
  let read = 0;
  /** Under `throw`: the first input found bad locally; nothing after it is read. */
  let localFailure: { index: number; error: BedrockEmbeddingsError } | undefined;

  const readWindow = async (): Promise<Window | undefined> => {
    const window: Window = { start: read, items: [] };
    while (window.items.length < windowSize) {
      const pending = source.next();
      const step = pending instanceof Promise ? await untilAborted(pending, signal, aborted) : pending;
      if (signal.aborted) throw aborted();
      if (step.done === true) {
        exhausted = true;
        break;
      }
      const index = read++;
      const item = checkInput(call, step.value, index);
      if (!skip && item instanceof BedrockEmbeddingsError) {
        localFailure = { index, error: item };
        exhausted = true;
        break;
      }
      window.items.push(item);
    }
    return window.items.length === 0 ? undefined : window;
  };

  const queue: Promise<WindowResult>[] = [];
  try {
    for (;;) {
      while (!exhausted && queue.length < maxWindows) {
        const window = await readWindow();
        if (window === undefined) break;
        const sent = sendWindow(context, call, window, signal, meter, cache, span);
        sent.catch(noop); // awaited in turn; an abort may reject it before then
        queue.push(sent);
      }
      const head = queue.shift();
      if (head === undefined) break;
      const result = await head;
      for (let chunk of chunksOf(result, cache !== undefined)) {
        if (signal.aborted) throw aborted();
        if (callWarnings !== undefined && chunk.errors === undefined) {
          chunk = { ...chunk, warnings: [...callWarnings, ...(chunk.warnings ?? [])] };
          callWarnings = undefined;
        }
        if (chunk.errors !== undefined) {
          meter.settled(0, chunk.errors.length);
          if (!skip) throw failed(model, chunk.errors);
        } else {
          meter.settled(chunk.embeddings.length);
        }
        yield chunk;
      }
    }
    if (localFailure !== undefined) {
      meter.settled(0, 1);
      throw failed(model, [localFailure]);
    }
    meter.report(true);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    span.end(failure);
    unlink();
    controller.abort();
    await Promise.allSettled(queue);
    if (!exhausted || localFailure !== undefined) await source.return?.();
  }
}

/** Normalises and validates one input as `embed` does, or returns the error naming it. */
function checkInput(
  call: PreparedCall,
  input: EmbeddingInput,
  index: number,
): NormalizedInput | BedrockEmbeddingsError {
  const { resolved, family, params, ctx } = call;
  try {
    const normalized = normalizeInput(input, resolved.model, index);
    checkInvocation([normalized], resolved, 'sync', index);
    try {
      family.validateInput(normalized, params, { ...ctx, mode: 'sync' });
    } catch (error) {
      throw atInput(error, `inputs[${index}]`);
    }
    return normalized;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
}

function failed(
  model: string,
  errors: { index: number; error: BedrockEmbeddingsError }[],
): InputsFailedError {
  const indices = errors.map((entry) => entry.index);
  const first = indices[0]!;
  const last = indices[indices.length - 1]!;
  const which = first === last ? `inputs[${first}]` : `inputs[${first}..${last}]`;
  const cause = errors[0]!.error;
  return new InputsFailedError(`${model}: ${which} failed: ${cause.message}`, { model, indices, cause });
}

/** A 400 from Bedrock: the request (and so one of its inputs) was rejected, not the service failing. */
function rejectedByBedrock(error: unknown): boolean {
  return error instanceof ValidationError && error.statusCode === 400;
}

/** Bedrock's 400 for a request of one input, re-addressed to that input (AWS's details kept). */
function rejectedInput(error: ValidationError, index: number): ValidationError {
  const parameter = `inputs[${index}]`;
  return new ValidationError(`${error.message} (${parameter})`, {
    parameter,
    cause: error,
    ...(error.model === undefined ? {} : { model: error.model }),
    ...(error.awsErrorName === undefined ? {} : { awsErrorName: error.awsErrorName }),
    ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
    ...(error.requestId === undefined ? {} : { requestId: error.requestId }),
    ...(error.attempts === undefined ? {} : { attempts: error.attempts }),
  });
}

/**
 * Sends a window's requests (each attempt takes a slot of the client's limiter in `sendBatch`). A request Bedrock
 * rejects is bisected to find its bad input; any other failure marks the request's inputs failed.
 * Rejects only when the stream is aborted.
 */
async function sendWindow(
  context: StreamContext,
  call: PreparedCall,
  window: Window,
  signal: AbortSignal,
  meter: ProgressMeter,
  cache: EmbeddingCache | undefined,
  trace: CallTrace,
): Promise<WindowResult> {
  const { items, start } = window;
  const result: WindowResult = {
    start,
    hits: new Array(items.length).fill(false),
    warnings: [],
    vectors: new Array(items.length),
    byType: {},
    errors: new Array(items.length),
    requests: [],
  };
  const positions: number[] = [];
  const valid: NormalizedInput[] = [];
  items.forEach((item, position) => {
    if (item instanceof BedrockEmbeddingsError) result.errors[position] = item;
    else {
      positions.push(position);
      valid.push(item);
    }
  });

  // The cache first: hits are served at once, only the misses are sent (and stored when answered).
  const cached = await lookupCache(cache, call.resolved.spec.id, call.params, valid, result.warnings);
  const lookupIndex = new Map(positions.map((position, k) => [position, k]));
  cached.hits.forEach((hit, k) => {
    if (hit === undefined) return;
    const position = positions[k]!;
    result.hits[position] = true;
    result.vectors[position] = hit.embedding;
    for (const [type, vector] of Object.entries(hit.embeddingsByType ?? {})) {
      if (type === 'float' || vector === undefined) continue;
      const all = result.byType[type as EmbeddingType] ?? new Array<number[]>(items.length);
      result.byType[type as EmbeddingType] = all;
      all[position] = vector;
    }
  });

  const send = async (at: number[], inputs: NormalizedInput[], bisect: boolean): Promise<void> => {
    let answer: BatchResult;
    try {
      answer = await sendBatch(context, call, inputs, signal, meter.attempt, trace);
    } catch (error) {
      if (signal.aborted) throw error;
      if (bisect && inputs.length > 1 && rejectedByBedrock(error)) {
        const half = Math.ceil(inputs.length / 2);
        await Promise.all([
          send(at.slice(0, half), inputs.slice(0, half), true),
          send(at.slice(half), inputs.slice(half), true),
        ]);
        return;
      }
      for (const position of at) {
        result.errors[position] =
          inputs.length === 1 && rejectedByBedrock(error)
            ? rejectedInput(error as ValidationError, start + position)
            : (error as BedrockEmbeddingsError);
      }
      return;
    }
    meter.answered(inputs, answer);
    result.requests.push({ first: at[0]!, inputs, result: answer });
    await cached.store(
      at.map((position) => lookupIndex.get(position)!),
      answer.parsed,
    );
    const { embeddings, embeddingsByType } = answer.parsed;
    at.forEach((position, k) => {
      result.vectors[position] = embeddings[k];
    });
    for (const [type, vectors] of Object.entries(embeddingsByType ?? {})) {
      if (type === 'float' || vectors === undefined) continue;
      const all = result.byType[type as EmbeddingType] ?? new Array<number[]>(items.length);
      result.byType[type as EmbeddingType] = all;
      at.forEach((position, k) => {
        all[position] = vectors[k]!;
      });
    }
  };

  const misses = cached.misses.map((k) => valid[k]!);
  const planned = planRequests(misses, call.resolved.spec.capabilities);
  await Promise.all(
    planned.map((request) =>
      send(
        request.indices.map((k) => positions[cached.misses[k]!]!),
        request.inputs,
        true,
      ),
    ),
  );
  return result;
}

/** A window's results as chunks of consecutive vectors or consecutive errors. */
function* chunksOf(result: WindowResult, cached: boolean): Generator<EmbedStreamChunk> {
  const { vectors, errors, start } = result;
  const count = vectors.length;
  const firstVectors = errors.findIndex((error) => error === undefined);
  for (let from = 0; from < count; ) {
    const failing = errors[from] !== undefined;
    let to = from + 1;
    while (to < count && (errors[to] !== undefined) === failing) to++;
    if (failing) {
      yield {
        start: start + from,
        errors: errors.slice(from, to).map((error, k) => ({ index: start + from + k, error: error! })),
      };
    } else {
      const requests = result.requests.filter((request) => request.first >= from && request.first < to);
      const byType: Partial<Record<EmbeddingType, number[][]>> = {};
      let hasByType = false;
      for (const [type, all] of Object.entries(result.byType)) {
        byType[type as EmbeddingType] = all.slice(from, to);
        hasByType = true;
      }
      const requestIds: string[] = [];
      for (const request of requests)
        if (request.result.requestId !== undefined) requestIds.push(request.result.requestId);
      const cacheHits = result.hits.slice(from, to).filter(Boolean).length;
      // A cache failure is told once, on the window's first chunk of vectors.
      const warnings = from === firstVectors ? result.warnings : [];
      yield {
        start: start + from,
        embeddings: vectors.slice(from, to) as number[][],
        ...(hasByType ? { embeddingsByType: byType } : {}),
        usage: usageOf(requests),
        requestIds,
        ...(cached ? { cacheHits } : {}),
        ...(warnings.length === 0 ? {} : { warnings }),
      };
    }
    from = to;
  }
}

/** Usage of some requests: tokens summed (undefined if any went unreported), media counted. */
function usageOf(requests: readonly { inputs: NormalizedInput[]; result: BatchResult }[]): Usage {
  if (requests.length === 1) return sumUsage(requests[0]!.inputs, [requests[0]!.result.tokens]);
  return sumUsage(
    requests.flatMap((request) => request.inputs),
    requests.map((request) => request.result.tokens),
  );
}
