/**
 * IAM denial, for testing how clients handle a missing permission: the operations listed in the
 * `deny` option are answered 403 `AccessDeniedException` with AWS's wording
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html), after the
 * request is authenticated, as AWS authorizes it.
 */
import { BedrockError } from './errors.js';
import type { Operation } from './options.js';

/** The error AWS answers when no policy allows `bedrock:<operation>` for the caller. */
export function accessDenied(operation: Operation, accountId: string): BedrockError {
  const action = `bedrock:${operation}`;
  return new BedrockError(
    403,
    'AccessDeniedException',
    `User: arn:aws:iam::${accountId}:user/emulator is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
  );
}
