/**
 * Request authentication as Bedrock does it: SigV4 (signing name `bedrock`) or a Bedrock API key
 * sent as `Authorization: Bearer <key>`. `@smithy/signature-v4` has no verify(), so a SigV4 request
 * is rebuilt from the headers it says it signed, re-signed with the same date and compared.
 * Error types and messages are AWS's; none of them echoes a secret.
 */
import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { BedrockError } from './errors.js';
import type { EmulatorCredentials } from './options.js';

/** The parts of an HTTP request SigV4 covers, as they came off the wire. */
interface RequestToVerify {
  method: string;
  /** The path exactly as sent (labels still percent-encoded), without the query. */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** SHA-256 on node:crypto in the shape `@smithy/signature-v4` expects (like `@smithy/hash-node`). */
class NodeSha256 {
  private hash: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret =
      secret === undefined || typeof secret === 'string'
        ? secret
        : ArrayBuffer.isView(secret)
          ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength)
          : new Uint8Array(secret);
    this.hash = this.create();
  }
  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    this.hash = this.create();
  }
}

const SIGNING_NAME = 'bedrock';
const MAX_CLOCK_SKEW_MS = 15 * 60_000;
const AUTH_HEADER =
  /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const API_KEY_PREFIXES = ['ABSK', 'bedrock-api-key-'];

const forbidden = (type: string, message: string) => new BedrockError(403, type, message);
const incomplete = (message: string) => new BedrockError(400, 'IncompleteSignatureException', message);
const signatureMismatch = () =>
  forbidden(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. ' +
      'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );

const formatAmzDate = (date: Date) => date.toISOString().replace(/[-:]|\.\d{3}/g, '');

/** Verifies requests against the configured credentials and API keys. */
export class Authenticator {
  private readonly signers = new Map<string, SignatureV4>();
  private readonly apiKeys: Set<string>;

  constructor(
    private readonly mode: 'verify' | 'permissive',
    private readonly region: string,
    credentials: EmulatorCredentials[],
    apiKeys: string[],
  ) {
    for (const { accessKeyId, secretAccessKey } of credentials) {
      this.signers.set(
        accessKeyId,
        new SignatureV4({
          service: SIGNING_NAME,
          region,
          credentials: { accessKeyId, secretAccessKey },
          sha256: NodeSha256,
          applyChecksum: false,
        }),
      );
    }
    this.apiKeys = new Set(apiKeys);
  }

  /** Resolves when the request is authentic; otherwise rejects with AWS's error. */
  async verify(request: RequestToVerify): Promise<void> {
    if (this.mode === 'permissive') return;
    const authorization = request.headers.authorization;
    if (!authorization)
      throw forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (authorization.startsWith('Bearer ')) return this.verifyApiKey(authorization.slice(7).trim());
    return this.verifySigV4(request, authorization);
  }

  private verifyApiKey(key: string): void {
    if (this.apiKeys.has(key)) return;
    if (!API_KEY_PREFIXES.some((prefix) => key.startsWith(prefix))) {
      throw forbidden('AccessDeniedException', 'Invalid API Key format: Must start with pre-defined prefix');
    }
    throw forbidden(
      'AccessDeniedException',
      'Authentication failed: Please make sure your API Key is valid.',
    );
  }

  private async verifySigV4(request: RequestToVerify, authorization: string): Promise<void> {
    const parsed = AUTH_HEADER.exec(authorization);
    if (!parsed) {
      throw incomplete(
        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters " +
          'in the form AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=....',
      );
    }
    const [, credential = '', signedHeaderList = '', signature = ''] = parsed;
    const [accessKeyId = '', scopeDate, scopeRegion, scopeService, terminator] = credential.split('/');
    const signer = this.signers.get(accessKeyId);
    if (!signer) {
      throw forbidden(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    if (terminator !== 'aws4_request')
      throw incomplete('Credential should be scoped with a valid terminator.');
    if (scopeService !== SIGNING_NAME) {
      throw forbidden(
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${SIGNING_NAME}'. `,
      );
    }
    if (scopeRegion !== this.region) {
      throw forbidden('InvalidSignatureException', 'Credential should be scoped to a valid region. ');
    }

    const amzDate = headerValue(request.headers, 'x-amz-date');
    const dateParts = amzDate ? AMZ_DATE.exec(amzDate) : null;
    if (!amzDate || !dateParts) {
      throw incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    }
    const [, y, mo, d, h, mi, s] = dateParts.map(Number) as number[];
    const signingDate = new Date(Date.UTC(y!, mo! - 1, d!, h, mi, s));
    if (scopeDate !== amzDate.slice(0, 8)) {
      throw forbidden(
        'InvalidSignatureException',
        'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.',
      );
    }
    const now = Date.now();
    if (Math.abs(now - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
      const earlier = signingDate.getTime() < now;
      const bound = new Date(now + (earlier ? -MAX_CLOCK_SKEW_MS : MAX_CLOCK_SKEW_MS));
      throw forbidden(
        'InvalidSignatureException',
        earlier
          ? `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(bound)} (${formatAmzDate(new Date(now))} - 15 min.)`
          : `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(bound)} (${formatAmzDate(new Date(now))} + 15 min.)`,
      );
    }

    // Rebuild the request from exactly the headers the client signed.
    const signedHeaders = signedHeaderList.split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = headerValue(request.headers, name);
      if (value === undefined) throw signatureMismatch();
      headers[name] = value;
    }
    // The signed payload hash must be the body's; the signer then uses it instead of hashing again.
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    const claimedHash = headers['x-amz-content-sha256'];
    if (claimedHash !== undefined && claimedHash !== bodyHash) throw signatureMismatch();
    headers['x-amz-content-sha256'] = bodyHash;

    const rebuilt = new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: 'localhost',
      path: request.path,
      query: request.query,
      headers,
      body: request.body,
    });
    const signed = await signer.sign(rebuilt, {
      signingDate,
      signableHeaders: new Set(signedHeaders),
      unsignableHeaders: claimedHash === undefined ? new Set(['x-amz-content-sha256']) : undefined,
    });
    const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1] ?? '';
    if (
      expected.length !== signature.length ||
      !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
    ) {
      throw signatureMismatch();
    }
  }
}

/** A header as signed; over HTTP/2 `host` travels as the `:authority` pseudo-header. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name] ?? (name === 'host' ? headers[':authority'] : undefined);
  return Array.isArray(value) ? value.join(',') : value;
}
