import { Aws, Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DELIVERY_LAYOUT, staticRoot } from './definitions/delivery-layout';
import { InvalidSettingError } from './errors';
import { nagArn } from './nag-ids';
import { glueSchemaReadStatement, parquetConversion } from './parquet-conversion';

/** Props of {@link CtrDeliveryStream}. */
export interface CtrDeliveryStreamProps {
  /** Bucket that receives the CTRs under `ctr/dt=YYYY-MM-DD/` and the source-record backup under `backup/`. */
  readonly bucket: s3.IBucket;
  /** The Glue table whose schema the record format conversion writes (its latest version). */
  readonly schema: { readonly table: glue.CfnTable; readonly databaseName: string; readonly tableName: string };
  /**
   * Longest time Firehose buffers before writing an object (60-900 s with dynamic partitioning).
   * @default Duration.seconds(60)
   */
  readonly bufferingInterval?: Duration;
  /**
   * Buffer size per partition before writing an object (64-128 MiB with dynamic partitioning).
   * @default Size.mebibytes(64)
   */
  readonly bufferingSize?: Size;
  /**
   * Retention of the delivery error log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Delete the log group with the stack.
   * @default false - retained
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * Direct-put Firehose delivery stream writing Parquet to S3 (record format conversion from the CTR Glue
 * table's schema), partitioned by the contact's date (jq over `InitiationTimestamp`, dynamic partitioning)
 * so that every version of a contact lands in the same partition, and backing up every source record as
 * GZIP JSON under `backup/` (conversion keeps only the schema's columns; the backup keeps every byte).
 * Layout comes from `DELIVERY_LAYOUT`, shared with the local endpoint.
 *
 * No AppendDelimiterToRecord processor: the dedup function already ends each record with a newline, and
 * the processor would add a second one (an empty line per record).
 */
export class CtrDeliveryStream extends Construct {
  /** The delivery stream. */
  readonly deliveryStream: firehose.DeliveryStream;
  /** Log group of delivery errors. */
  readonly logGroup: logs.LogGroup;
  /** Role Firehose assumes to write to the bucket and the log group. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: CtrDeliveryStreamProps) {
    super(scope, id);
    const bufferingInterval = props.bufferingInterval ?? Duration.seconds(60);
    const bufferingSize = props.bufferingSize ?? Size.mebibytes(64);
    const seconds = bufferingInterval.toSeconds();
    if (seconds < 60 || seconds > 900) {
      throw new InvalidSettingError('bufferingInterval', 'between 60 and 900 seconds (dynamic partitioning)', seconds);
    }
    const mib = bufferingSize.toMebibytes();
    if (mib < 64 || mib > 128) {
      throw new InvalidSettingError('bufferingSize', 'between 64 and 128 MiB (dynamic partitioning)', mib);
    }

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } },
      }),
    });
    const policy = this.grantWrites(props);

    this.deliveryStream = new firehose.DeliveryStream(this, 'DeliveryStream', {
      encryption: firehose.StreamEncryption.awsOwnedKey(),
      destination: new firehose.S3Bucket(props.bucket, {
        dataOutputPrefix: DELIVERY_LAYOUT.prefix,
        errorOutputPrefix: DELIVERY_LAYOUT.errorOutputPrefix,
        // No S3 compression: with format conversion Firehose requires UNCOMPRESSED; Parquet compresses its pages.
        dataFormatConversion: parquetConversion(props.schema.table),
        fileExtension: DELIVERY_LAYOUT.dataFileExtension,
        bufferingInterval,
        bufferingSize,
        dynamicPartitioning: { enabled: true },
        s3Backup: {
          mode: firehose.BackupMode.ALL,
          bucket: props.bucket,
          dataOutputPrefix: DELIVERY_LAYOUT.backupPrefix,
          errorOutputPrefix: DELIVERY_LAYOUT.backupErrorOutputPrefix,
          compression: firehose.Compression.GZIP,
          bufferingInterval,
          bufferingSize,
          loggingConfig: new firehose.EnableLogging(this.logGroup),
        },
        processors: [
          firehose.MetadataExtractionProcessor.jq16({
            [DELIVERY_LAYOUT.partitionColumn]: DELIVERY_LAYOUT.partitionQuery,
          }),
        ],
        loggingConfig: new firehose.EnableLogging(this.logGroup),
        role: this.role.withoutPolicyUpdates(),
      }),
    });
    this.deliveryStream.node.addDependency(policy);
    // The L2 always adds its Firehose CIDR-block mapping (used only by VPC destinations such as Redshift).
    Validations.of(Stack.of(this)).acknowledge({
      id: 'CloudFormation-Validate::W7001',
      reason:
        'Unused mapping awscdkawskinesisfirehoseCidrBlocks is emitted by the Firehose L2 for every delivery stream; an S3 destination never reads it.',
    });
  }

  /**
   * Own role and policy: the L2 destination grants its role read, write and delete on the whole bucket.
   * Handing it an immutable view of this role turns that grant into a no-op; the policy lists the actions
   * Firehose documents for an S3 destination, on the prefixes it writes (data, backup and their errors), and
   * the Glue schema read that format conversion needs.
   */
  private grantWrites(props: CtrDeliveryStreamProps): iam.Policy {
    const objectRoots = [
      DELIVERY_LAYOUT.dataRoot,
      staticRoot(DELIVERY_LAYOUT.errorOutputPrefix),
      staticRoot(DELIVERY_LAYOUT.backupPrefix),
      staticRoot(DELIVERY_LAYOUT.backupErrorOutputPrefix),
    ];
    const policy = new iam.Policy(this, 'RolePolicy', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [props.bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
          resources: objectRoots.map((root) => props.bucket.arnForObjects(`${root}*`)),
        }),
        new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        glueSchemaReadStatement(Stack.of(this), props.schema.databaseName, props.schema.tableName),
      ],
    });
    for (const root of objectRoots) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArn(props.bucket)}/${root}*]`,
        reason: `Firehose writes objects with generated names under ${root}; access is limited to that prefix.`,
      });
    }
    return policy;
  }
}
