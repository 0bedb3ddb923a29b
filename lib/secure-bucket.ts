import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Props of {@link SecureBucket}. */
export interface SecureBucketProps {
  /**
   * Bucket receiving this bucket's server access logs. Omit only for the access-log bucket itself.
   * @default - no server access logging
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Key prefix of this bucket's access logs in `accessLogsBucket`.
   * @default - the construct id followed by `/`
   */
  readonly accessLogsPrefix?: string;
  /**
   * Lifecycle rules (expiry, transitions). Incomplete multipart uploads are always aborted after 7 days.
   * @default - none besides the multipart cleanup
   */
  readonly lifecycleRules?: s3.LifecycleRule[];
  /**
   * Request-metric filters (CloudWatch `AWS/S3` metrics with a `FilterId` dimension), e.g. for growth alarms.
   * @default - none
   */
  readonly metrics?: s3.BucketMetrics[];
  /**
   * Delete the bucket and its objects with the stack. For throwaway test stacks only.
   * @default false - the bucket and its data are retained
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * An S3 bucket with this project's baseline: all public access blocked, TLS 1.2+ enforced by bucket
 * policy, SSE-S3 encryption, ACLs disabled, optional access logging and lifecycle rules.
 */
export class SecureBucket extends Construct {
  /** The bucket. */
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps = {}) {
    super(scope, id);
    const destroy = props.destroyOnRemoval ?? false;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // SSE-S3 rather than KMS: it is the only encryption an access-log target accepts, and it keeps
      // Athena, Firehose and Lambda free of per-request KMS calls and key grants.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: props.accessLogsBucket ? (props.accessLogsPrefix ?? `${id}/`) : undefined,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...(props.lifecycleRules ?? []),
      ],
      metrics: props.metrics,
      removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      autoDeleteObjects: destroy,
    });
  }
}
