/**
 * Bedrock Runtime errors as AWS sends them: an HTTP status, the type in `x-amzn-errortype` and
 * `{"message": ...}` as the body.
 */
export class BedrockError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** 400 ValidationException. */
export const validation = (message: string) => new BedrockError(400, 'ValidationException', message);

/** AWS's wording for a value that breaks a documented constraint of the operation's input. */
export const constraintViolation = (value: string, field: string, constraint: string) =>
  validation(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );

/** Checks `value` against a Smithy `@pattern`, answering AWS's constraint error when it fails. */
export function checkPattern(value: string, field: string, pattern: RegExp): void {
  if (!pattern.test(value)) {
    throw constraintViolation(
      value,
      field,
      `Member must satisfy regular expression pattern: ${pattern.source}`,
    );
  }
}

/** The model id could not be resolved to a model. */
export const modelNotFound = () =>
  new BedrockError(
    404,
    'ResourceNotFoundException',
    'Could not resolve the foundation model from the provided model identifier.',
  );

/** 429 ThrottlingException, with the wording Bedrock uses for request and token quotas. */
export const throttling = (what: 'requests' | 'tokens' = 'requests') =>
  new BedrockError(429, 'ThrottlingException', `Too many ${what}, please wait before trying again.`);
