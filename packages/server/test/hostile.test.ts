/**
 * Issue 13: a hostile Bedrock (malformed 200s, proxy pages) behind the server: every case is an
 * OpenAI-shaped 502 error saying what was wrong, through the `openai` client, and no embeddings.
 * Also: a secret in config.yaml is never printed, and a stalled upload does not hold a connection.
 */
import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileBedrock, startHostileBedrock } from '../../core/test/hostile-bedrock.js';
import { HOSTILE_CASES } from '../../core/test/hostile-cases.js';
import { createServer, type EmbeddingsServer, resolveConfig } from '../src/index.js';

const MASTER_KEY = 'sk-hostile-master-key-0123';
/** The server asks for float vectors only (the OpenAI API has no embedding types): those cases. */
const CASES = HOSTILE_CASES.filter((testCase) => testCase.embeddingTypes === undefined);
let hostile: HostileBedrock;
let server: EmbeddingsServer;
let client: OpenAI;

beforeAll(async () => {
  hostile = await startHostileBedrock();
  const aws = {
    aws_access_key_id: hostile.credentials.accessKeyId,
    aws_secret_access_key: hostile.credentials.secretAccessKey,
    aws_region_name: hostile.region,
    aws_bedrock_runtime_endpoint: hostile.endpoint,
  };
  server = createServer(
    {
      model_list: CASES.map((testCase, index) => ({
        model_name: `case-${index}`,
        litellm_params: { model: `bedrock/${testCase.model}`, ...aws },
      })),
      general_settings: { master_key: MASTER_KEY },
      litellm_settings: { num_retries: 0 },
    },
    { logger: false, bodyTimeoutMs: 300, headersTimeoutMs: 300 },
  );
  const url = await server.listen({ port: 0 });
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
  await hostile?.close();
});

describe('a hostile Bedrock behind the server', () => {
  it.each(CASES.map((testCase, index) => ({ ...testCase, index })))(
    '$name: a 502 saying so, no embeddings',
    async (testCase) => {
      hostile.answer(() => testCase.answer);
      let result: unknown;
      let error: unknown;
      try {
        result = await client.embeddings.create({
          model: `case-${testCase.index}`,
          input: testCase.texts,
          encoding_format: 'float',
          ...(testCase.dimensions === undefined ? {} : { dimensions: testCase.dimensions }),
        });
      } catch (caught) {
        error = caught;
      }
      expect(result).toBeUndefined();
      expect(error).toBeInstanceOf(OpenAI.APIError);
      const apiError = error as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(502);
      expect(apiError.message).toMatch(testCase.says);
      if (testCase.answer.status === undefined) expect(apiError.code).toBe('upstream_malformed_response');
    },
  );
});

describe('server hardening', () => {
  it('never prints a numeric master_key or secret from config.yaml', () => {
    const secret = 98765432109876;
    let message = '';
    try {
      resolveConfig({
        model_list: [
          {
            model_name: 'titan',
            litellm_params: {
              model: 'bedrock/amazon.titan-embed-text-v2:0',
              aws_access_key_id: 'AKIAEXAMPLE',
              aws_secret_access_key: 12345678901234 as never,
            },
          },
        ],
        general_settings: { master_key: secret as never },
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/master_key: must be a non-empty string, not number \(value not shown/);
    expect(message).toMatch(/aws_secret_access_key: must be a non-empty string, not number/);
    expect(message).not.toMatch(/9876|1234/);
  });

  it('request_timeout: 2,200,000 s (beyond 2^31 ms) does not fire early: the request is answered', async () => {
    const patient = createServer(
      {
        model_list: [
          {
            model_name: 'titan',
            litellm_params: {
              model: 'bedrock/amazon.titan-embed-text-v2:0',
              aws_access_key_id: hostile.credentials.accessKeyId,
              aws_secret_access_key: hostile.credentials.secretAccessKey,
              aws_region_name: hostile.region,
              aws_bedrock_runtime_endpoint: hostile.endpoint,
            },
          },
        ],
        litellm_settings: { request_timeout: 2_200_000 },
      },
      { logger: false },
    );
    const patientUrl = await patient.listen({ port: 0 });
    try {
      hostile.answer(() => ({ body: { embedding: Array(1024).fill(0.5), inputTextTokenCount: 1 } }));
      const openai = new OpenAI({ baseURL: `${patientUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
      const response = await openai.embeddings.create({
        model: 'titan',
        input: 'a',
        encoding_format: 'float',
      });
      expect(response.data[0]?.embedding).toHaveLength(1024);
    } finally {
      await patient.close();
    }
  });

  it('a stalled authenticated upload is answered 408 and its connection closed', async () => {
    const { port } = new URL(server.url!);
    const socket = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      `POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${MASTER_KEY}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":"case-0","input":',
    );
    // Nothing more is sent: the server must end the exchange itself.
    await closed;
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 408/);
  });
});
