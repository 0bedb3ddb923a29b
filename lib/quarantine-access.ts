import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Quarantined records are kept as received, so they may hold callers' numbers in clear. The bucket policy
 * denies reading them to every principal but `readerArns` (an explicit Deny beats any identity policy,
 * administrators' included); with no readers nobody can read them until the policy is changed on purpose.
 */
export function restrictQuarantineReads(bucket: s3.IBucket, prefix: string, readerArns: readonly string[]): void {
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'QuarantineReadersOnly',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
      conditions: readerArns.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': [...readerArns] } } : undefined,
    }),
  );
}
