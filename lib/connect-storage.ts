import * as connect from 'aws-cdk-lib/aws-connect';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { InvalidSettingError } from './errors';

/** Shape of an Amazon Connect instance ARN. */
const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/;

/** Props of {@link ConnectStorage}. */
export interface ConnectStorageProps {
  /** ARN of an existing Amazon Connect instance in this account and region. */
  readonly instanceArn: string;
  /** Stream that becomes the instance's contact-record (CTR) stream. */
  readonly stream: kinesis.IStream;
}

/**
 * Registers the stream as an Amazon Connect instance's contact trace record stream, so real CTRs flow
 * in with no console step. L1 only: aws-cdk-lib has no Connect L2.
 */
export class ConnectStorage extends Construct {
  /** The instance storage config. */
  readonly storageConfig: connect.CfnInstanceStorageConfig;

  constructor(scope: Construct, id: string, props: ConnectStorageProps) {
    super(scope, id);
    if (!INSTANCE_ARN.test(props.instanceArn)) {
      throw new InvalidSettingError(
        'connectInstanceArn',
        'an Amazon Connect instance ARN (arn:aws:connect:REGION:ACCOUNT:instance/UUID)',
        props.instanceArn,
      );
    }
    this.storageConfig = new connect.CfnInstanceStorageConfig(this, 'CtrStorage', {
      instanceArn: props.instanceArn,
      resourceType: 'CONTACT_TRACE_RECORDS',
      storageType: 'KINESIS_STREAM',
      kinesisStreamConfig: { streamArn: props.stream.streamArn },
    });
  }
}
