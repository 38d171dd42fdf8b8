// s3rver ships no type declarations; these cover the parts the emulator uses.
declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }
  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}

// s3rver checks that a request's access key is registered here (it does not verify SigV4 signatures).
declare module 's3rver/lib/models/account.js' {
  export default class AWSAccount {
    constructor(accountId: number, displayName: string);
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
    revokeAccessKey(accessKeyId: string): void;
  }
}
