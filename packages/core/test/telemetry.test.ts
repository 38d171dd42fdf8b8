/**
 * OpenTelemetry spans of `embed`, recorded by the OpenTelemetry SDK's in-memory exporter with an
 * AsyncLocalStorage context manager: the span tree, the GenAI attributes, retry and throttling
 * events, errors, context propagation under a caller's span, and no input text unless opted in.
 */

import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import * as otel from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClientOptions, createBedrockEmbeddings, memoryCache, traceCall } from '../src/index.js';

const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
const COHERE_V4 = 'us.cohere.embed-v4:0';

let emu: Emulator;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();

function client(options: Partial<ClientOptions> = {}) {
  return createBedrockEmbeddings({
    endpoint: emu.endpoint,
    region: emu.region,
    credentials: emu.credentials,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

const spans = () => exporter.getFinishedSpans();
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (parent: ReadableSpan) =>
  spans().filter((span) => parentOf(span) === parent.spanContext().spanId);

beforeAll(async () => {
  emu = await startEmulator();
  otel.context.setGlobalContextManager(contextManager.enable());
  otel.trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  otel.trace.disable();
  otel.context.disable();
  await emu.stop();
});
beforeEach(() => {
  exporter.reset();
  emu.reset();
  emu.configure({ faults: { rate: 0 } });
});

describe('spans of embed', () => {
  it('one call span with a CLIENT child per Bedrock request, GenAI attributes on both', async () => {
    const texts = Array.from({ length: 100 }, (_, i) => `text ${i}`);
    const result = await client().embed({
      model: COHERE_V4,
      inputs: texts,
      dimensions: 512,
      embeddingTypes: ['int8'],
    });
    expect(result.requests).toBe(2);

    const [call, ...rest] = spans().filter((span) => parentOf(span) === undefined);
    expect(rest).toEqual([]);
    expect(call!.name).toBe(`embeddings ${COHERE_V4}`);
    expect(call!.kind).toBe(otel.SpanKind.INTERNAL);
    expect(call!.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': COHERE_V4,
      'gen_ai.embeddings.dimension.count': 512,
      'gen_ai.request.encoding_formats': ['float', 'int8'],
      'bedrock_embeddings.requests': 2,
    });
    expect(call!.attributes['gen_ai.usage.input_tokens']).toBeUndefined(); // on requests only, as ai@7

    const requests = childrenOf(call!);
    expect(requests).toHaveLength(2);
    const tokens = requests.map((span) => span.attributes['gen_ai.usage.input_tokens'] as number);
    expect(tokens.reduce((a, b) => a + b, 0)).toBe(result.usage.inputTokens);
    expect(requests.map((span) => span.attributes['bedrock_embeddings.inputs']).sort()).toEqual([4, 96]);
    for (const span of requests) {
      expect(span.name).toBe(`embeddings ${COHERE_V4}`);
      expect(span.kind).toBe(otel.SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.provider.name': 'aws.bedrock',
        'gen_ai.request.model': COHERE_V4,
      });
      expect(result.requestIds).toContain(span.attributes['aws.request_id']);
      expect(span.status.code).toBe(otel.SpanStatusCode.UNSET);
    }
    // No input text and no vectors unless asked for.
    for (const span of spans()) {
      expect(JSON.stringify(span.attributes)).not.toContain('text 1');
      expect(span.attributes['bedrock_embeddings.embeddings']).toBeUndefined();
    }
  });

  it('embedStream: one call span for the whole stream, a child per request', async () => {
    const inputs = Array.from({ length: 200 }, (_, i) => `streamed ${i}`);
    let vectors = 0;
    for await (const chunk of client().embedStream({ model: COHERE_V4, inputs }))
      vectors += chunk.embeddings?.length ?? 0;
    expect(vectors).toBe(200);
    const roots = spans().filter((span) => parentOf(span) === undefined);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.name).toBe(`embeddings ${COHERE_V4}`);
    expect(roots[0]!.attributes['bedrock_embeddings.stream']).toBe(true);
    const requests = childrenOf(roots[0]!);
    expect(requests.map((span) => span.attributes['bedrock_embeddings.inputs']).sort()).toEqual([8, 96, 96]);
    expect(requests.every((span) => span.kind === otel.SpanKind.CLIENT)).toBe(true);
  });

  it('records input texts and vectors only when opted in', async () => {
    await client({ telemetry: { recordInputs: true, recordOutputs: true } }).embed({
      model: TITAN_V2,
      inputs: ['secret text'],
    });
    const request = spans().find((span) => span.kind === otel.SpanKind.CLIENT)!;
    expect(request.attributes['bedrock_embeddings.input.texts']).toEqual(['secret text']);
    expect(JSON.parse(request.attributes['bedrock_embeddings.embeddings'] as string)).toEqual([
      emu.expectedEmbedding(TITAN_V2, 'secret text'),
    ]);
  });

  it('retries and throttling are events of the request span', async () => {
    emu.configure({ faults: { rate: 0.6, kinds: ['throttle', 'internal'], seed: 11 } });
    await client({ retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 20, adaptive: false } }).embed({
      model: TITAN_V2,
      inputs: Array.from({ length: 8 }, (_, i) => `retry ${i}`),
    });
    const requests = spans().filter((span) => span.kind === otel.SpanKind.CLIENT);
    expect(requests).toHaveLength(8);
    const events = requests.flatMap((span) => span.events);
    const retries = events.filter((event) => event.name === 'retry');
    const throttles = events.filter((event) => event.name === 'throttled');
    // Every failed attempt was followed by one retry (all requests succeeded in the end).
    const attempts = emu.stats().requests.byOperation.InvokeModel ?? 0;
    expect(retries).toHaveLength(attempts - 8);
    expect(throttles.length).toBeGreaterThan(0);
    expect(throttles.length).toBeLessThan(retries.length);
    expect(throttles.every((event) => event.attributes?.['error.type'] === 'ThrottlingException')).toBe(true);
    expect(retries[0]!.attributes).toMatchObject({
      'retry.attempt': expect.any(Number),
      'retry.delay_ms': expect.any(Number),
    });
  });

  it('records a failed request and call as errors with error.type', async () => {
    emu.configure({ faults: { rate: 1, kinds: ['internal'] } });
    await expect(
      client({ retry: { maxAttempts: 2, baseDelayMs: 1 } }).embed({ model: TITAN_V2, inputs: ['x'] }),
    ).rejects.toThrow();
    const call = spans().find((span) => parentOf(span) === undefined)!;
    const [request] = childrenOf(call);
    for (const span of [call, request!]) {
      expect(span.status.code).toBe(otel.SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('SERVICE');
      expect(span.events.some((event) => event.name === 'exception')).toBe(true);
    }
    expect(request!.events.filter((event) => event.name === 'retry')).toHaveLength(1);
  });

  it('nests under the active span of the caller (an AI SDK embed span, or any other)', async () => {
    const tracer = otel.trace.getTracer('app');
    await tracer.startActiveSpan(`embeddings ${TITAN_V2}`, async (outer) => {
      await client().embed({ model: TITAN_V2, inputs: ['a', 'b'] });
      outer.end();
    });
    const outer = spans().find((span) => span.instrumentationScope.name === 'app')!;
    const [ours] = childrenOf(outer);
    expect(ours!.instrumentationScope.name).toBe('bedrock-embeddings');
    expect(childrenOf(ours!)).toHaveLength(2);
    expect(new Set(spans().map((span) => span.spanContext().traceId)).size).toBe(1);
  });

  it('cache hits are counted on the call span and send no request span', async () => {
    const bedrock = client({ cache: memoryCache() });
    await bedrock.embed({ model: TITAN_V2, inputs: ['a', 'b'] });
    exporter.reset();
    await bedrock.embed({ model: TITAN_V2, inputs: ['a', 'b', 'c'] });
    const call = spans().find((span) => parentOf(span) === undefined)!;
    expect(call.attributes).toMatchObject({
      'bedrock_embeddings.cache_hits': 2,
      'bedrock_embeddings.requests': 1,
    });
    expect(childrenOf(call)).toHaveLength(1);
  });

  it('rerank: a `rerank {model}` call span with a CLIENT child per request', async () => {
    const documents = ['Paris is in France.', 'Berlin is in Germany.', 'Rome is in Italy.'];
    const result = await client().rerank({
      model: 'cohere.rerank-v3-5:0',
      query: 'capital of France',
      documents,
    });
    expect(result.results).toHaveLength(3);
    const call = spans().find((span) => parentOf(span) === undefined)!;
    expect(call.name).toBe('rerank cohere.rerank-v3-5:0');
    expect(call.attributes).toMatchObject({
      'gen_ai.operation.name': 'rerank',
      'gen_ai.provider.name': 'aws.bedrock',
    });
    const [request, ...more] = childrenOf(call);
    expect(more).toEqual([]);
    expect(request!.kind).toBe(otel.SpanKind.CLIENT);
    expect(request!.attributes['bedrock_embeddings.documents']).toBe(3);
    // No document text on the spans.
    expect(JSON.stringify(spans().map((span) => span.attributes))).not.toContain('Paris');
  });

  it('telemetry: false makes no span; traceCall serves other operations (rerank)', async () => {
    await client({ telemetry: false }).embed({ model: TITAN_V2, inputs: ['a'] });
    expect(spans()).toEqual([]);
    const answer = await traceCall(
      undefined,
      { operation: 'rerank', model: 'cohere.rerank-v3-5:0' },
      (trace) => trace.request({ 'bedrock_embeddings.documents': 3 }, async () => 42),
    );
    expect(answer).toBe(42);
    const [request, call] = spans();
    expect(call!.name).toBe('rerank cohere.rerank-v3-5:0');
    expect(call!.attributes['gen_ai.operation.name']).toBe('rerank');
    expect(parentOf(request!)).toBe(call!.spanContext().spanId);
  });
});
