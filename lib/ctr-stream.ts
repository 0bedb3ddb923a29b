import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { InvalidSettingError } from './errors';

/** Props of {@link CtrStream}. */
export interface CtrStreamProps {
  /**
   * Provisioned shard count. Leave unset for on-demand capacity.
   * @default - on-demand mode
   */
  readonly shardCount?: number;
  /**
   * How long records stay readable: bounds how long a stuck shard can wait for a fix.
   * @default Duration.hours(24)
   */
  readonly retention?: Duration;
  /**
   * Delete the stream with the stack.
   * @default false - retained
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * The Kinesis Data Stream that receives CTRs (from Amazon Connect or the emulator).
 *
 * Encrypted with the AWS managed key `aws/kinesis`: Amazon Connect can write to it with no key
 * policy, and producers need no KMS permissions.
 */
export class CtrStream extends Construct {
  /** The stream. */
  readonly stream: kinesis.Stream;

  constructor(scope: Construct, id: string, props: CtrStreamProps = {}) {
    super(scope, id);
    const { shardCount } = props;
    if (shardCount !== undefined && (!Number.isInteger(shardCount) || shardCount < 1)) {
      throw new InvalidSettingError('shardCount', 'a positive integer', shardCount);
    }
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamMode: shardCount === undefined ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount,
      retentionPeriod: props.retention ?? Duration.hours(24),
      encryption: kinesis.StreamEncryption.MANAGED,
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
