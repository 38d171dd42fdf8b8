/**
 * Issue 13: a hostile Bedrock (malformed 200s, proxy pages) through `embedDocuments`: every case
 * is the core's typed error, and no vectors come back.
 */
import { MalformedResponseError, ServiceError } from '@bedrock-embeddings/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileBedrock, startHostileBedrock } from '../../core/test/hostile-bedrock.js';
import { HOSTILE_CASES } from '../../core/test/hostile-cases.js';
import { BedrockEmbeddings } from '../src/index.js';

let hostile: HostileBedrock;
beforeAll(async () => {
  hostile = await startHostileBedrock();
});
afterAll(() => hostile.close());

describe('a hostile Bedrock through LangChain', () => {
  it.each(HOSTILE_CASES)('$name: a typed error, no vectors', async (testCase) => {
    hostile.answer(() => testCase.answer);
    const embeddings = new BedrockEmbeddings({
      model: testCase.model,
      endpoint: hostile.endpoint,
      region: hostile.region,
      credentials: hostile.credentials,
      retry: { maxAttempts: 1 },
      ...(testCase.dimensions === undefined ? {} : { dimensions: testCase.dimensions }),
      ...(testCase.embeddingTypes === undefined ? {} : { embeddingTypes: testCase.embeddingTypes }),
    });
    let result: unknown;
    let error: unknown;
    try {
      result = await embeddings.embedDocuments(testCase.texts);
    } catch (caught) {
      error = caught;
    }
    expect(result).toBeUndefined();
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toMatch(testCase.says);
    expect((error as ServiceError).requestId).toMatch(/^hostile-/);
    if (testCase.answer.status === undefined) expect(error).toBeInstanceOf(MalformedResponseError);
  });
});
