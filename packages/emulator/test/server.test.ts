/** The emulator's HTTP layer through the real AWS SDK over HTTP/2 and HTTP/1.1, and raw HTTP. */
import { InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { type Emulator, type RequestLogEntry, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bedrock, bedrockHttp1, COHERE_V4, failure, invoke, MARENGO_27, TITAN_V2, until } from './support.js';

const APP_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/qibm5eutlkcy';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ applicationProfiles: { [APP_PROFILE]: 'us.cohere.embed-v4:0' } });
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

/** A raw HTTP/1.1 call with the emulator's API key, to see status, headers and body as sent. */
async function raw(path: string, init: RequestInit = {}) {
  const response = await fetch(`${emu.endpoint}${path}`, {
    method: 'POST',
    ...init,
    headers: { authorization: `Bearer ${emu.apiKey}`, 'content-type': 'application/json', ...init.headers },
  });
  return { response, json: (await response.json()) as Record<string, unknown> };
}

describe('transport', () => {
  it('serves a client left at its defaults (HTTP/2, one connection per request)', async () => {
    const client = bedrock(emu);
    for (const text of ['one', 'two', 'three']) {
      const { json, output } = await invoke(client, TITAN_V2, { inputText: text, dimensions: 512 });
      expect(json.embedding).toEqual(emu.expectedEmbedding(TITAN_V2, text, { dimensions: 512 }));
      expect(output.$metadata.httpStatusCode).toBe(200);
      expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    client.destroy();
    const stats = emu.stats();
    expect(stats.requests.byOperation).toEqual({ InvokeModel: 3 });
    expect(stats.connections).toBe(3);
  });

  it('serves HTTP/1.1 (NodeHttpHandler) on the same port, over one keep-alive connection', async () => {
    const client = bedrockHttp1(emu);
    for (const text of ['one', 'two', 'three']) {
      const { json } = await invoke(client, TITAN_V2, { inputText: text });
      expect(json.embedding).toEqual(emu.expectedEmbedding(TITAN_V2, text));
    }
    client.destroy();
    expect(emu.stats().connections).toBe(1);
    expect(emu.stats().requests.byModel).toEqual({ [TITAN_V2]: 3 });
  });

  it('answers with the headers AWS sends: JSON, request id, input token count', async () => {
    const { response, json } = await raw(`/model/${encodeURIComponent(TITAN_V2)}/invoke`, {
      body: JSON.stringify({ inputText: 'hello world' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('x-amzn-bedrock-input-token-count')).toBe(String(json.inputTextTokenCount));
  });

  it('reports configured latency (fixed plus per item) in x-amzn-bedrock-invocation-latency', async () => {
    emu.configure({ latency: { fixedMs: 5, perItemMs: 2 } });
    try {
      const { response } = await raw(`/model/us.${encodeURIComponent(COHERE_V4)}/invoke`, {
        body: JSON.stringify({ texts: ['a', 'b', 'c'], input_type: 'search_document' }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-amzn-bedrock-invocation-latency')).toBe('11');
    } finally {
      emu.configure({ latency: {} });
    }
  });

  it('rejects a port already in use', async () => {
    const port = Number(new URL(emu.endpoint).port);
    await expect(startEmulator({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('errors', () => {
  it('answers an unknown model with ResourceNotFoundException 404, as headers and body', async () => {
    const { response, json } = await raw('/model/acme.embed-v9%3A0/invoke', { body: '{"inputText":"x"}' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(json).toEqual({
      message: 'Could not resolve the foundation model from the provided model identifier.',
    });

    const error = await failure(invoke(bedrock(emu), 'acme.embed-v9:0', { inputText: 'x' }));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('rejects a body that is not JSON, and a Content-Type other than application/json', async () => {
    const client = bedrock(emu);
    const malformed = await failure(
      client.send(
        new InvokeModelCommand({ modelId: TITAN_V2, contentType: 'application/json', body: '{"inputText":' }),
      ),
    );
    expect(malformed.name).toBe('ValidationException');
    expect(malformed.$metadata.httpStatusCode).toBe(400);
    expect(malformed.message).toMatch(/Malformed input request/);

    // The SDK sends application/octet-stream when contentType is left out.
    const octets = await failure(
      client.send(new InvokeModelCommand({ modelId: TITAN_V2, body: '{"inputText":"x"}' })),
    );
    expect(octets.name).toBe('ValidationException');
    expect(octets.message).toMatch(/application\/octet-stream.*application\/json/);
    client.destroy();
  });

  it('reads a body without Content-Type or Accept as JSON (as boto3 and the AWS CLI send it)', async () => {
    // A Uint8Array body makes fetch send no Content-Type at all.
    const body = new TextEncoder().encode(JSON.stringify({ inputText: 'no headers' }));
    const response = await fetch(`${emu.endpoint}/model/${encodeURIComponent(TITAN_V2)}/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.apiKey}` },
      body,
    });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { embedding: number[] };
    expect(json.embedding).toEqual(emu.expectedEmbedding(TITAN_V2, 'no headers'));
    for (const accept of ['*/*', 'application/*', 'text/html, application/json;q=0.9']) {
      const ok = await raw(`/model/${encodeURIComponent(TITAN_V2)}/invoke`, {
        body: JSON.stringify({ inputText: 'x' }),
        headers: { accept },
      });
      expect(ok.response.status).toBe(200);
    }
  });

  it('rejects a Content-Type or Accept that is given and is not JSON', async () => {
    const path = `/model/${encodeURIComponent(TITAN_V2)}/invoke`;
    const body = JSON.stringify({ inputText: 'x' });
    const wrongType = await raw(path, { body, headers: { 'content-type': 'text/plain' } });
    expect(wrongType.response.status).toBe(400);
    expect(wrongType.response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(wrongType.json.message).toMatch(/Content-Type 'text\/plain' is not supported/);
    const wrongAccept = await raw(path, { body, headers: { accept: 'text/plain' } });
    expect(wrongAccept.response.status).toBe(400);
    expect(wrongAccept.json.message).toMatch(/Accept Type 'text\/plain' is not supported/);
  });

  it.each(['a/b', 'has space', 'arn:aws:bedrock:us-east-1::foundation-mode/x', 'x'.repeat(2049)])(
    "answers a model id breaking AWS's pattern (%s) with 400 ValidationException",
    async (id) => {
      const error = await failure(invoke(bedrock(emu), id, { inputText: 'x' }));
      expect(error.name).toBe('ValidationException');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(/at 'modelId' failed to satisfy constraint/);
    },
  );

  it('answers a model body error with ValidationException 400 and a message', async () => {
    const error = await failure(invoke(bedrock(emu), TITAN_V2, { inputText: 'x', dimensions: 7 }));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(/dimensions/);
  });

  it('answers an unknown route with 404', async () => {
    const { response } = await raw('/model/x/converse-stream');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});

describe('model ids', () => {
  it('resolves geo profiles, foundation-model and inference-profile ARNs to the same model', async () => {
    const client = bedrock(emu);
    const ids = [
      TITAN_V2,
      `us.${TITAN_V2}`,
      `arn:aws:bedrock:us-east-1::foundation-model/${TITAN_V2}`,
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.${TITAN_V2}`,
    ];
    for (const id of ids) {
      const { json } = await invoke(client, id, { inputText: 'same text' });
      expect(json.embedding).toEqual(emu.expectedEmbedding(TITAN_V2, 'same text'));
    }
    client.destroy();
    expect(emu.stats().requests.byModel).toEqual({ [TITAN_V2]: ids.length });
  });

  it('routes a registered application inference profile ARN to its model; unknown ones are not found', async () => {
    const client = bedrock(emu);
    const { json } = await invoke(client, APP_PROFILE, { texts: ['hi'], input_type: 'search_query' });
    expect((json.embeddings as Record<string, unknown>).float ?? json.embeddings).toBeDefined();
    expect(emu.stats().requests.byModel).toEqual({ [COHERE_V4]: 1 });

    const unknown = APP_PROFILE.replace('qibm5eutlkcy', 'zzzzzzzzzzzz');
    expect((await failure(invoke(client, unknown, { texts: ['hi'] }))).name).toBe(
      'ResourceNotFoundException',
    );
    emu.configure({ applicationProfiles: { [unknown]: TITAN_V2 } });
    const routed = await invoke(client, unknown, { inputText: 'hi' });
    expect(routed.json.embedding).toEqual(emu.expectedEmbedding(TITAN_V2, 'hi'));
    client.destroy();
  });

  it('refuses Marengo 2.7 InvokeModel with the base id, as AWS does, and serves it through a profile', async () => {
    const client = bedrock(emu);
    const error = await failure(invoke(client, MARENGO_27, { inputType: 'text', inputText: 'a cat' }));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/on-demand throughput isn’t supported/);
    const { json } = await invoke(client, `us.${MARENGO_27}`, { inputType: 'text', inputText: 'a cat' });
    expect((json.data as Array<{ embedding: number[] }>)[0]?.embedding).toEqual(
      emu.expectedEmbedding(`us.${MARENGO_27}`, 'a cat'),
    );
    client.destroy();
  });
});

describe('stats', () => {
  it('counts requests by operation and model, and reset() clears them', async () => {
    const client = bedrockHttp1(emu);
    await invoke(client, TITAN_V2, { inputText: 'x' });
    await failure(invoke(client, 'acme.embed-v9:0', {}));
    const stats = emu.stats();
    expect(stats.requests.total).toBe(2);
    expect(stats.requests.byOperation).toEqual({ InvokeModel: 2 });
    expect(stats.requests.byModel).toEqual({ [TITAN_V2]: 1 });
    expect(stats.inFlight).toBe(0);
    expect(stats.peakConcurrency).toBe(1);
    emu.reset();
    expect(emu.stats().requests.total).toBe(0);
    expect(emu.stats().connections).toBe(0);
    // The client's keep-alive connection stays open across the reset.
    expect(emu.stats().openConnections).toBeGreaterThanOrEqual(1);
    client.destroy();
  });

  it('reports each finished request to onRequest', async () => {
    const entries: RequestLogEntry[] = [];
    emu.configure({ onRequest: (entry) => entries.push(entry) });
    try {
      const client = bedrockHttp1(emu);
      await invoke(client, `us.${TITAN_V2}`, { inputText: 'x' });
      await failure(invoke(client, TITAN_V2, { inputText: 'x', dimensions: 7 }));
      client.destroy();
      await until(() => entries.length === 2);
      expect(
        entries.map(({ operation, modelId, status, errorType }) => ({
          operation,
          modelId,
          status,
          errorType,
        })),
      ).toEqual([
        { operation: 'InvokeModel', modelId: TITAN_V2, status: 200, errorType: undefined },
        { operation: 'InvokeModel', modelId: TITAN_V2, status: 400, errorType: 'ValidationException' },
      ]);
    } finally {
      emu.configure({ onRequest: undefined });
    }
  });
});
