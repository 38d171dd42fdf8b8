/**
 * Issue 13: a hostile Bedrock (malformed 200s, proxy pages) never yields vectors. Every case is a
 * typed error naming the model, the request id and what was wrong; the call returns nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BedrockEmbeddingsError,
  createBedrockEmbeddings,
  MalformedResponseError,
  ServiceError,
} from '../src/index.js';
import { embedding } from '../src/litellm.js';
import { type HostileBedrock, startHostileBedrock } from './hostile-bedrock.js';
import { HOSTILE_CASES } from './hostile-cases.js';

let hostile: HostileBedrock;
beforeAll(async () => {
  hostile = await startHostileBedrock();
});
afterAll(() => hostile.close());

describe('a hostile Bedrock through the core', () => {
  it.each(HOSTILE_CASES)('$name: a typed error, no result', async (testCase) => {
    hostile.answer(() => testCase.answer);
    const client = createBedrockEmbeddings({
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: hostile.credentials,
      retry: { maxAttempts: 2, baseDelayMs: 0 },
    });
    const before = hostile.requests.length;
    let result: unknown;
    let error: unknown;
    try {
      result = await client.embed({
        model: testCase.model,
        inputs: testCase.texts,
        ...(testCase.dimensions === undefined ? {} : { dimensions: testCase.dimensions }),
        ...(testCase.embeddingTypes === undefined ? {} : { embeddingTypes: testCase.embeddingTypes }),
      });
    } catch (caught) {
      error = caught;
    }
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(ServiceError);
    const typed = error as ServiceError;
    expect(typed).toBeInstanceOf(BedrockEmbeddingsError);
    expect(typed.message).toMatch(testCase.says);
    expect(typed.model).toBe(testCase.model);
    expect(typed.requestId).toMatch(/^hostile-\d+$/);
    expect(typed.message).not.toContain('$response');
    const sent = hostile.requests.length - before;
    if (typed instanceof MalformedResponseError) {
      expect(typed.code).toBe('MALFORMED_RESPONSE');
      expect(typed.detail.length).toBeGreaterThan(0);
      // A malformed answer is not retried: it would only be sent again for the same result.
      expect(sent).toBe(1);
    } else {
      // The proxy's 502 is retryable; both attempts met it.
      expect(typed.statusCode).toBe(502);
      expect(sent).toBe(2);
    }
  });
});

describe('a hostile Bedrock through the LiteLLM layer', () => {
  // The proxy's 502 is retried with backoff (the layer has no retry setting): covered above.
  const malformed200s = HOSTILE_CASES.filter((testCase) => testCase.answer.status === undefined);
  it.each(malformed200s)('$name: a typed error, no data', async (testCase) => {
    hostile.answer(() => testCase.answer);
    const error = await embedding({
      model: `bedrock/${testCase.model}`,
      input: testCase.texts,
      aws_bedrock_runtime_endpoint: hostile.endpoint,
      aws_region_name: hostile.region,
      aws_access_key_id: hostile.credentials.accessKeyId,
      aws_secret_access_key: hostile.credentials.secretAccessKey,
      ...(testCase.dimensions === undefined ? {} : { dimensions: testCase.dimensions }),
      ...(testCase.embeddingTypes === undefined ? {} : { embedding_types: testCase.embeddingTypes }),
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as ServiceError).message).toMatch(testCase.says);
  });
});
