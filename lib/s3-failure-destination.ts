import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * S3 on-failure destination of a stream event source mapping: unlike SQS or SNS it keeps the failed
 * records themselves, not only metadata about the batch.
 *
 * Hand-written because aws-cdk-lib's `S3OnFailureDestination` grants the function read, write and
 * delete on the whole bucket; Lambda needs only `s3:PutObject` and `s3:ListBucket`.
 */
export class S3FailureDestination implements lambda.IEventSourceDlq {
  constructor(private readonly bucket: s3.IBucket) {}

  /** Grants the function the two actions the event source mapping uses and returns the bucket ARN. */
  bind(_target: lambda.IEventSourceMapping, targetHandler: lambda.IFunction): lambda.DlqDestinationConfig {
    targetHandler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    targetHandler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('*')] }),
    );
    return { destination: this.bucket.bucketArn };
  }
}
