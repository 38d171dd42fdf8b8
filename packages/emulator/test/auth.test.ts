/** SigV4 and Bedrock API key verification, through the real AWS SDK. */
import { ListAsyncInvokesCommand } from '@aws-sdk/client-bedrock-runtime';
import { type Emulator, startEmulator } from '@bedrock-embeddings/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bedrock, bedrockHttp1, failure, invoke, TITAN_V2 } from './support.js';

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.stop());

describe('SigV4', () => {
  it('accepts a correctly signed request over HTTP/2 and HTTP/1.1, ARN path labels and query strings included', async () => {
    const arn = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${TITAN_V2}`;
    for (const client of [bedrock(emu), bedrockHttp1(emu)]) {
      const { json } = await invoke(client, arn, { inputText: 'signed' });
      expect(json.embedding).toEqual(emu.expectedEmbedding(TITAN_V2, 'signed'));
      const list = await client.send(
        new ListAsyncInvokesCommand({ maxResults: 5, sortOrder: 'Ascending', submitTimeAfter: new Date(0) }),
      );
      expect(list.asyncInvokeSummaries).toEqual([]);
      client.destroy();
    }
  });

  it('rejects a wrong secret with InvalidSignatureException 403, never echoing the secret', async () => {
    const secretAccessKey = 'wrong-secret-wrong-secret-wrong-secret-00';
    const client = bedrock(emu, {
      credentials: { accessKeyId: emu.credentials.accessKeyId, secretAccessKey },
    });
    const error = await failure(invoke(client, TITAN_V2, { inputText: 'x' }));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(SIGNATURE_MISMATCH);
    expect(JSON.stringify(error)).not.toContain(secretAccessKey);
    client.destroy();
  });

  it('rejects a body modified after signing', async () => {
    const client = bedrockHttp1(emu);
    type Handler = (args: { request: { body: string | Uint8Array } }) => Promise<unknown>;
    const tamper =
      (next: Handler): Handler =>
      async (args) => {
        const body = args.request.body;
        const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
        expect(text).toContain('hello');
        args.request.body = text.replace('hello', 'jello'); // same length: only the signature can tell
        return next(args);
      };
    client.middlewareStack.addRelativeTo(tamper as never, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'tamper',
    });
    const error = await failure(invoke(client, TITAN_V2, { inputText: 'hello' }));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    client.destroy();
  });

  it('rejects an unknown access key, a foreign region and an expired signature', async () => {
    const stranger = bedrock(emu, {
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
    });
    const unknown = await failure(invoke(stranger, TITAN_V2, { inputText: 'x' }));
    expect(unknown.name).toBe('UnrecognizedClientException');
    expect(unknown.$metadata.httpStatusCode).toBe(403);

    const elsewhere = bedrock(emu, { region: 'eu-west-1' });
    const region = await failure(invoke(elsewhere, TITAN_V2, { inputText: 'x' }));
    expect(region.name).toBe('InvalidSignatureException');
    expect(region.message).toMatch(/scoped to a valid region/);

    // A clock 20 minutes slow (maxAttempts 1: the SDK would otherwise correct its clock and retry).
    const late = bedrock(emu, { systemClockOffset: -20 * 60_000, maxAttempts: 1 });
    const expired = await failure(invoke(late, TITAN_V2, { inputText: 'x' }));
    expect(expired.name).toBe('InvalidSignatureException');
    expect(expired.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    for (const client of [stranger, elsewhere, late]) client.destroy();
  });

  it('answers a request without credentials with MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${emu.endpoint}/model/${encodeURIComponent(TITAN_V2)}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"inputText":"x"}',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });
});

describe('Bedrock API keys', () => {
  const withKey = (token: string) =>
    bedrock(emu, { credentials: undefined, token: { token }, authSchemePreference: ['httpBearerAuth'] });

  it('accepts a configured key sent by the SDK as a bearer token', async () => {
    const client = withKey(emu.apiKey);
    const { json } = await invoke(client, TITAN_V2, { inputText: 'keyed' });
    expect(json.embedding).toEqual(emu.expectedEmbedding(TITAN_V2, 'keyed'));
    client.destroy();
  });

  it('rejects unknown and malformed keys with AccessDeniedException 403', async () => {
    const unknownKey = `ABSK${Buffer.from('BedrockAPIKey-someone:else').toString('base64')}`;
    const unknown = await failure(invoke(withKey(unknownKey), TITAN_V2, { inputText: 'x' }));
    expect(unknown.name).toBe('AccessDeniedException');
    expect(unknown.$metadata.httpStatusCode).toBe(403);
    expect(unknown.message).toBe('Authentication failed: Please make sure your API Key is valid.');
    expect(unknown.message).not.toContain(unknownKey);

    const malformed = await failure(invoke(withKey('not-a-key'), TITAN_V2, { inputText: 'x' }));
    expect(malformed.name).toBe('AccessDeniedException');
    expect(malformed.message).toMatch(/Invalid API Key format/);
  });
});

describe('permissive mode', () => {
  it('accepts unsigned requests', async () => {
    const open = await startEmulator({ auth: 'permissive' });
    try {
      const response = await fetch(`${open.endpoint}/model/${encodeURIComponent(TITAN_V2)}/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"inputText":"anyone"}',
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { embedding: number[] }).embedding).toEqual(
        open.expectedEmbedding(TITAN_V2, 'anyone'),
      );
    } finally {
      await open.stop();
    }
  });
});
