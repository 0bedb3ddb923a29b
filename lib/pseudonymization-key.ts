import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Props of {@link PseudonymizationKey}. */
export interface PseudonymizationKeyProps {
  /**
   * Delete the key with the stack. Tokens made with it can then never be re-identified.
   * @default false - the secret is retained
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * The HMAC key of caller pseudonymization: a generated 64-character secret in Secrets Manager, encrypted
 * at rest (the account's `aws/secretsmanager` KMS key). Only the dedup function is granted to read it.
 */
export class PseudonymizationKey extends Construct {
  /** The secret; its SecretString is the key. */
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: PseudonymizationKeyProps = {}) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: "HMAC-SHA-256 key that turns callers' phone numbers into tokens (read by the dedup function only)",
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated automatically on purpose: a new key gives every caller a new token, which breaks repeat-caller ' +
        'linkage across the rotation. Rotation is a deliberate manual step, documented in docs/privacy.md.',
    });
  }
}
