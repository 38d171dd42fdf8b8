/**
 * The core's typed errors -> the AI SDK's error classes, with the core's error as `cause`.
 *
 * Whatever Bedrock answered with an error becomes an `APICallError` with `isRetryable: false`:
 * the core has already retried what was worth retrying (throttling, 5xx, timeouts, resets), so
 * `embed()`'s own retries (2 by default) would only multiply the requests sent. Errors found
 * before any request are `InvalidArgumentError`s (`NoSuchModelError` for an unknown model).
 */

import { APICallError, InvalidArgumentError, NoSuchModelError } from '@ai-sdk/provider';
import { BedrockEmbeddingsError, ServiceError } from '@bedrock-embeddings/core';

/** What the failed call was about, for the error's fields. */
interface FailedCall {
  /** The model id as the caller gave it. */
  modelId: string;
  values: readonly string[];
}

/** Status and request id of Bedrock's answer, when the error is one. */
interface Answer {
  statusCode?: number;
  requestId?: string;
  awsErrorName?: string;
  attempts?: number;
}

/**
 * Bedrock's answer behind a core error: a `ServiceError` carries it; a `ValidationError` for a
 * 400 from Bedrock has the AWS SDK's exception (with its `$metadata`) as cause.
 */
function answerOf(error: BedrockEmbeddingsError): Answer | undefined {
  if (error instanceof ServiceError) {
    const { statusCode, requestId, awsErrorName, attempts } = error;
    return { statusCode, requestId, awsErrorName, attempts };
  }
  const metadata = (
    error.cause as { $metadata?: { httpStatusCode?: number; requestId?: string } } | undefined
  )?.$metadata;
  if (metadata?.httpStatusCode === undefined) return undefined;
  return {
    statusCode: metadata.httpStatusCode,
    ...(metadata.requestId === undefined ? {} : { requestId: metadata.requestId }),
    awsErrorName: (error.cause as { name?: string }).name,
  };
}

/** The core names inputs `inputs[i]`; AI SDK users passed them as `values`. */
function argumentOf(error: BedrockEmbeddingsError): string {
  const parameter = (error as { parameter?: string }).parameter;
  return parameter === undefined ? 'values' : parameter.replace(/^inputs\b/, 'values');
}

/** Maps an error thrown by the core to the AI SDK error class that fits it; others pass unchanged. */
export function toProviderError(error: unknown, call: FailedCall): unknown {
  if (!(error instanceof BedrockEmbeddingsError) || error.code === 'ABORTED') return error;
  if (error.code === 'UNKNOWN_MODEL') {
    return new NoSuchModelError({
      modelId: call.modelId,
      modelType: 'embeddingModel',
      message: error.message,
    });
  }
  const answer = answerOf(error);
  if (answer === undefined && (error.code === 'VALIDATION' || error.code === 'UNSUPPORTED_PARAMETER')) {
    return new InvalidArgumentError({ argument: argumentOf(error), message: error.message, cause: error });
  }
  return new APICallError({
    message: error.message,
    url: `bedrock-runtime InvokeModel ${call.modelId}`,
    requestBodyValues: { model: call.modelId, values: call.values },
    ...(answer?.statusCode === undefined ? {} : { statusCode: answer.statusCode }),
    isRetryable: false,
    cause: error,
    data: { code: error.code, ...answer },
  });
}
