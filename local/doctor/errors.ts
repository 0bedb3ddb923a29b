import { NamedError } from '../../lambda-common/named-error';

/** Base class of the doctor's errors: each message is one sentence saying what is wrong and what to do next. */
export class DoctorError extends NamedError {}

/** The doctor cannot start: no credentials, no region, no such stack, or a stack from an older version. */
export class DoctorSetupError extends DoctorError {}

const REFUSED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
]);

/**
 * Turns what the SDK throws before AWS answers anything useful (no credentials, refused credentials, no Region)
 * into a {@link DoctorSetupError}; returns undefined for anything else, which the check that made the call reports.
 */
export function setupProblem(err: unknown): DoctorSetupError | undefined {
  const { name = '', message = '' } = err as { name?: string; message?: string };
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new DoctorSetupError(
      'No AWS credentials were found: configure them (aws configure, aws sso login, or AWS_PROFILE) and run "ctr doctor" again.',
    );
  }
  if (REFUSED.has(name)) {
    return new DoctorSetupError(
      'AWS refused the credentials (expired or invalid): refresh them (for example aws sso login) and run "ctr doctor" again.',
    );
  }
  if (/Region is missing/i.test(message)) {
    return new DoctorSetupError(
      'No AWS Region is set: pass --region REGION (the Region you deployed to) or set AWS_REGION.',
    );
  }
  return undefined;
}
