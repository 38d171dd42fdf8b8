/**
 * OpenTelemetry. `@opentelemetry/api` is an optional peer dependency: when it is installed (and
 * an SDK has registered a tracer provider), every `embed` / `embedStream` / `rerank` call gets a
 * span, and every Bedrock request a child span; when it is absent, the only cost is one failed
 * `import()` per process. The module is loaded by a specifier bundlers do not follow, so edge
 * bundles stay clean; pass `telemetry: { api }` where it cannot be loaded by name.
 *
 * Names and attributes follow the OpenTelemetry GenAI semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/) as the AI SDK's telemetry
 * (ai@7) emits them for `embed`: spans `embeddings {model}`, `gen_ai.operation.name`
 * `embeddings`, `gen_ai.provider.name` `aws.bedrock`, `gen_ai.request.model`, and
 * `gen_ai.usage.input_tokens` on the request spans only (sum them for the call). Call spans are
 * INTERNAL, request spans CLIENT. Spans start from the active context, so inside an AI SDK `embed`
 * span (or any span of yours) they nest under it. Retries and throttling are span events; errors
 * are recorded with `error.type`. Input texts and vectors are never recorded unless
 * `recordInputs` / `recordOutputs` say so.
 *
 * `traceCall` (one function) and `startCall` (a call that outlives one, `embedStream`) are the
 * helpers for every operation (`embeddings`, `rerank`): they open the call span and hand out
 * `request()` for the per-request spans.
 *
 * @module
 */
import type { TelemetryOptions } from '../types.js';

/** The parts of `@opentelemetry/api` used here (structural, so the package stays optional). */
interface OtelSpan {
  setAttribute(key: string, value: AttributeValue): unknown;
  setAttributes(attributes: Attributes): unknown;
  addEvent(name: string, attributes?: Attributes): unknown;
  recordException(exception: unknown): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
  isRecording(): boolean;
}
interface OtelTracer {
  startSpan(name: string, options: { kind: number; attributes?: Attributes }, context?: unknown): OtelSpan;
}
interface OtelApi {
  trace: {
    getTracer(name: string, version?: string): OtelTracer;
    setSpan(context: unknown, span: OtelSpan): unknown;
  };
  context: { active(): unknown; with<T>(context: unknown, fn: () => T): T };
  SpanKind: { INTERNAL: number; CLIENT: number };
  SpanStatusCode: { ERROR: number };
}

/** A span attribute value. */
export type AttributeValue = string | number | boolean | string[] | number[];
/** Span attributes; undefined values are left out. */
export type Attributes = Record<string, AttributeValue | undefined>;

/** The provider name of the GenAI conventions for Amazon Bedrock. */
export const GEN_AI_PROVIDER = 'aws.bedrock';

// A variable specifier: bundlers leave it alone, and a missing package costs one failed import.
const OTEL_API = '@opentelemetry/api';
let loaded: Promise<OtelApi | undefined> | undefined;

function loadApi(): Promise<OtelApi | undefined> {
  loaded ??= import(/* webpackIgnore: true */ /* @vite-ignore */ OTEL_API).then(
    (module: OtelApi & { default?: OtelApi }) => (module.trace === undefined ? module.default : module),
    () => undefined,
  );
  return loaded;
}

function defined(attributes: Attributes): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value;
  return out;
}

/** One Bedrock request's span, as `CallTrace.request` hands it to the request. */
export interface RequestTrace {
  /** Adds attributes (usage, request id) to the request span. */
  setAttributes(attributes: Attributes): void;
  /** Records an event (`retry`, `throttled`) on the request span. */
  event(name: string, attributes?: Attributes): void;
  /** Whether inputs / outputs may be recorded (the caller opted in). */
  readonly recordInputs: boolean;
  /** Whether vectors may be recorded. */
  readonly recordOutputs: boolean;
}

/** A call's span, as `traceCall` hands it to the operation. */
export interface CallTrace {
  /** Adds attributes (requests, cache hits) to the call span. */
  setAttributes(attributes: Attributes): void;
  /** Runs one Bedrock request in a CLIENT child span named like the call. */
  request<T>(attributes: Attributes, fn: (span: RequestTrace) => Promise<T>): Promise<T>;
  /** Whether inputs may be recorded (the caller opted in). */
  readonly recordInputs: boolean;
  /** Whether vectors may be recorded. */
  readonly recordOutputs: boolean;
}

const NOOP_REQUEST: RequestTrace = {
  setAttributes() {},
  event() {},
  recordInputs: false,
  recordOutputs: false,
};
const NOOP_CALL: CallTrace = {
  setAttributes() {},
  request: (_attributes, fn) => fn(NOOP_REQUEST),
  recordInputs: false,
  recordOutputs: false,
};

function errorType(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return '_OTHER';
}

function fail(api: OtelApi, span: OtelSpan, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setAttribute('error.type', errorType(error));
  span.setStatus({
    code: api.SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** A started call span: the trace, `run` (inside the span's context) and `end`. */
export interface CallSpan extends CallTrace {
  /** Runs `fn` with the call span as the active context (what nested instrumentation sees). */
  run<T>(fn: () => T): T;
  /** Ends the span, recording `error` when given; later calls do nothing. */
  end(error?: unknown): void;
}

const NOOP_SPAN: CallSpan = { ...NOOP_CALL, run: (fn) => fn(), end() {} };

/**
 * Starts a call span `{operation} {model}` (e.g. `embeddings amazon.titan-embed-text-v2:0`,
 * `rerank cohere.rerank-v3-5:0`) with the GenAI attributes, from the active context. For calls
 * that outlive one function (`embedStream`); `traceCall` is the one-function form. Without
 * telemetry (option `false`, no `@opentelemetry/api`, no provider registered) a no-op span.
 */
export async function startCall(
  options: TelemetryOptions | false | undefined,
  call: { operation: 'embeddings' | 'rerank'; model: string; attributes?: Attributes },
): Promise<CallSpan> {
  if (options === false) return NOOP_SPAN;
  const api = (options?.api as OtelApi | undefined) ?? (await loadApi());
  if (api === undefined) return NOOP_SPAN;
  const tracer = api.trace.getTracer(options?.tracerName ?? 'bedrock-embeddings');
  const parent = api.context.active();
  const name = `${call.operation} ${call.model}`;
  const base = { 'gen_ai.operation.name': call.operation, 'gen_ai.provider.name': GEN_AI_PROVIDER };
  const span = tracer.startSpan(
    name,
    {
      kind: api.SpanKind.INTERNAL,
      attributes: defined({ ...base, 'gen_ai.request.model': call.model, ...call.attributes }),
    },
    parent,
  );
  // A tracer with no provider behind it records nothing: skip the per-request work as well.
  if (!span.isRecording()) {
    span.end();
    return NOOP_SPAN;
  }
  const callContext = api.trace.setSpan(parent, span);
  const recordInputs = options?.recordInputs === true;
  const recordOutputs = options?.recordOutputs === true;
  let ended = false;
  return {
    recordInputs,
    recordOutputs,
    setAttributes: (attributes) => span.setAttributes(defined(attributes)),
    run: (fn) => api.context.with(callContext, fn),
    end(error) {
      if (ended) return;
      ended = true;
      if (error !== undefined) fail(api, span, error);
      span.end();
    },
    async request(attributes, run) {
      const child = tracer.startSpan(
        name,
        {
          kind: api.SpanKind.CLIENT,
          attributes: defined({ ...base, 'gen_ai.request.model': call.model, ...attributes }),
        },
        callContext,
      );
      const handle: RequestTrace = {
        recordInputs,
        recordOutputs,
        setAttributes: (more) => child.setAttributes(defined(more)),
        event: (event, more) => child.addEvent(event, more === undefined ? undefined : defined(more)),
      };
      try {
        // The request runs in the child's context, so the AWS SDK's own instrumentation nests under it.
        return await api.context.with(api.trace.setSpan(callContext, child), () => run(handle));
      } catch (error) {
        fail(api, child, error);
        throw error;
      } finally {
        child.end();
      }
    },
  };
}

/** Runs `fn` in a call span (see `startCall`), ending it with `fn`'s outcome. */
export async function traceCall<T>(
  options: TelemetryOptions | false | undefined,
  call: { operation: 'embeddings' | 'rerank'; model: string; attributes?: Attributes },
  fn: (trace: CallTrace) => Promise<T>,
): Promise<T> {
  const span = await startCall(options, call);
  try {
    const result = await span.run(() => fn(span));
    span.end();
    return result;
  } catch (error) {
    span.end(error);
    throw error;
  }
}
