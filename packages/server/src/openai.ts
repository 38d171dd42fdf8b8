/**
 * OpenAI's embeddings API: the request body checked as OpenAI checks it, the response and error
 * shapes, and the HTTP status for each of the core's typed errors.
 */
import {
  AbortError,
  AuthError,
  BedrockEmbeddingsError,
  MalformedResponseError,
  ServiceError,
  ThrottlingError,
  TimeoutError,
  UnknownModelError,
  UnsupportedParameterError,
  ValidationError,
} from '@bedrock-embeddings/core';
import type { EmbeddingData } from '@bedrock-embeddings/core/litellm';
import { checkModelParam, MODEL_PARAM_NAMES, type ModelParams, requestFieldOf } from './model-params.js';

/** OpenAI's limit on inputs per request. */
export const MAX_INPUTS = 2048;

/** A checked `POST /v1/embeddings` body. */
export interface EmbeddingsRequest {
  /** The model alias, a key of the configuration's `model_list`. */
  model: string;
  /** The inputs, a single string already wrapped in a list. */
  input: string[];
  /** How vectors are returned: JSON numbers, or base64 float32 as OpenAI. */
  encodingFormat: 'float' | 'base64';
  /** Model parameters given in the request (override the alias's `litellm_params`). */
  params: ModelParams;
}

/** OpenAI's embeddings response. */
export interface EmbeddingsResponse {
  /** Always `list`, as OpenAI. */
  object: 'list';
  /** One entry per input, in input order. */
  data: EmbeddingData[];
  /** The alias the request named. */
  model: string;
  /** Tokens of the whole request. */
  usage: {
    /** Input tokens Bedrock reported (0 when it reported none). */
    prompt_tokens: number;
    /** Equal to `prompt_tokens`: embeddings produce no output tokens. */
    total_tokens: number;
  };
}

/** OpenAI's error body. */
export interface OpenAIErrorBody {
  /** The error, in OpenAI's shape so OpenAI clients raise their own typed errors. */
  error: {
    /** What went wrong and what to do, for people. */
    message: string;
    /** OpenAI's error category, e.g. `invalid_request_error`. */
    type: string;
    /** The request field at fault, or null. */
    param: string | null;
    /** A stable code for programs, or null. */
    code: string | null;
  };
}

/** An error answered to the client: HTTP status and OpenAI's error body. */
export class HttpError extends Error {
  /** HTTP status to answer with. */
  readonly status: number;
  /** OpenAI error type (`invalid_request_error`, `server_error`, ...). */
  readonly type: string;
  /** The request field at fault, or null. */
  readonly param: string | null;
  /** A stable code for programs, or null. */
  readonly code: string | null;
  /** Extra response headers, e.g. `Retry-After` on 429. */
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    message: string,
    details: {
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.type = details.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    this.param = details.param ?? null;
    this.code = details.code ?? null;
    this.headers = details.headers ?? {};
  }

  /** The body sent to the client. */
  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

const badRequest = (message: string, param: string | null, code: string | null = null) =>
  new HttpError(400, message, { param, code });

const REQUEST_FIELDS = new Set(['model', 'input', 'encoding_format', 'user', ...MODEL_PARAM_NAMES]);

/** Checks a parsed JSON body against OpenAI's embeddings request. */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object.', null);
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!REQUEST_FIELDS.has(key)) {
      throw badRequest(
        `Unrecognized request argument supplied: ${key}. Supported: ${[...REQUEST_FIELDS].join(', ')}.`,
        key,
        'unknown_parameter',
      );
    }
  }
  const { model, input, user } = fields;
  if (typeof model !== 'string' || model === '') {
    throw badRequest('`model` is required: the name of a model from the server configuration.', 'model');
  }
  if (user !== undefined && user !== null && typeof user !== 'string') {
    throw badRequest('`user` must be a string.', 'user');
  }
  const encodingFormat = fields.encoding_format ?? 'float';
  if (encodingFormat !== 'float' && encodingFormat !== 'base64') {
    throw badRequest(
      `\`encoding_format\` must be 'float' or 'base64', not ${JSON.stringify(encodingFormat)}.`,
      'encoding_format',
    );
  }
  const params: ModelParams = {};
  for (const name of MODEL_PARAM_NAMES) {
    const value = fields[name];
    if (value === undefined || value === null) continue;
    // As OpenAI's API: a number, never a numeric string (those are for os.environ/ values in the config).
    if (name === 'dimensions' && typeof value !== 'number') {
      throw badRequest(
        `\`dimensions\` must be an integer, not ${typeof value} ${JSON.stringify(value)}.`,
        'dimensions',
        'invalid_type',
      );
    }
    const checked = checkModelParam(name, value);
    if ('error' in checked) throw badRequest(`\`${name}\` ${checked.error}.`, name);
    Object.assign(params, { [name]: checked.value });
  }
  return { model, input: parseInput(input), encodingFormat, params };
}

function parseInput(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) {
    throw badRequest('`input` is required: a string or a non-empty array of strings.', 'input');
  }
  if (input.length > MAX_INPUTS) {
    throw badRequest(`\`input\` has ${input.length} items; at most ${MAX_INPUTS} are allowed.`, 'input');
  }
  if (input.every((item) => typeof item === 'number') || input.some((item) => Array.isArray(item))) {
    throw badRequest(
      '`input` as token ids is not supported: Bedrock embedding models take text, so send strings.',
      'input',
    );
  }
  input.forEach((item: unknown, index) => {
    if (typeof item !== 'string') {
      throw badRequest(
        `\`input[${index}]\` must be a string, not ${item === null ? 'null' : typeof item}.`,
        `input[${index}]`,
      );
    }
  });
  return input as string[];
}

/** The core says `dropUnsupportedParams`; clients of this server say `drop_params`. */
function inServerTerms(message: string): string {
  return message.replace(
    'Pass dropUnsupportedParams: true',
    'Set `drop_params: true` (in the request or the model’s litellm_params)',
  );
}

/**
 * The status and OpenAI error for an error of the core: 400 for bad input, 429 for throttling
 * that outlasted the retries, 503 when Bedrock is unavailable, 504 on timeout, 502 for other
 * upstream failures (including Bedrock rejecting the server's credentials: a server problem, not
 * the client's). Anything unexpected is a 500 whose message reveals nothing.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof UnsupportedParameterError) {
    return badRequest(inServerTerms(error.message), requestFieldOf(error.parameter), 'unsupported_parameter');
  }
  if (error instanceof ValidationError || error instanceof UnknownModelError) {
    return badRequest(
      error.message,
      requestFieldOf(error instanceof ValidationError ? error.parameter : undefined),
      'invalid_value',
    );
  }
  if (error instanceof ThrottlingError) {
    return new HttpError(429, error.message, { type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  }
  if (error instanceof AuthError) {
    return new HttpError(502, `The server's AWS credentials were rejected: ${error.message}`, {
      code: 'upstream_auth_error',
    });
  }
  if (error instanceof TimeoutError) return new HttpError(504, error.message, { code: 'upstream_timeout' });
  if (error instanceof MalformedResponseError) {
    return new HttpError(502, error.message, { code: 'upstream_malformed_response' });
  }
  if (error instanceof ServiceError) {
    if (error.statusCode === 503 || error.awsErrorName === 'ModelNotReadyException') {
      return new HttpError(503, error.message, { code: 'upstream_unavailable' });
    }
    if (error.awsErrorName === 'ServiceQuotaExceededException') {
      return new HttpError(429, error.message, { type: 'rate_limit_error', code: 'quota_exceeded' });
    }
    return new HttpError(502, error.message, { code: 'upstream_error' });
  }
  if (error instanceof AbortError)
    return new HttpError(499, error.message, { code: 'client_closed_request' });
  if (error instanceof BedrockEmbeddingsError)
    return new HttpError(502, error.message, { code: 'upstream_error' });
  return new HttpError(500, 'Internal server error.', { code: 'internal_error' });
}
