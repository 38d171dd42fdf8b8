/**
 * Issue 13: a hostile Bedrock (malformed 200s, proxy pages) through `embedMany`: every case is an
 * `APICallError` carrying the core's typed error, and no embeddings come back.
 */
import { APICallError } from '@ai-sdk/provider';
import { MalformedResponseError, ServiceError } from '@bedrock-embeddings/core';
import { embedMany } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileBedrock, startHostileBedrock } from '../../core/test/hostile-bedrock.js';
import { HOSTILE_CASES } from '../../core/test/hostile-cases.js';
import { createBedrockEmbeddingProvider } from '../src/index.js';

let hostile: HostileBedrock;
beforeAll(async () => {
  hostile = await startHostileBedrock();
});
afterAll(() => hostile.close());

describe('a hostile Bedrock through the AI SDK provider', () => {
  it.each(HOSTILE_CASES)('$name: an error, no embeddings', async (testCase) => {
    hostile.answer(() => testCase.answer);
    const provider = createBedrockEmbeddingProvider({
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: hostile.credentials,
      retry: { maxAttempts: 1 },
    });
    const model = provider.embedding(testCase.model, {
      ...(testCase.dimensions === undefined ? {} : { dimensions: testCase.dimensions }),
      ...(testCase.embeddingTypes === undefined ? {} : { embeddingTypes: testCase.embeddingTypes }),
    });
    let result: unknown;
    let error: unknown;
    try {
      result = await embedMany({ model, values: testCase.texts, maxRetries: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(result).toBeUndefined();
    expect(APICallError.isInstance(error)).toBe(true);
    const cause = (error as APICallError).cause;
    expect(cause).toBeInstanceOf(ServiceError);
    expect((error as APICallError).message).toMatch(testCase.says);
    if (cause instanceof MalformedResponseError)
      expect((error as APICallError).data).toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });
});
