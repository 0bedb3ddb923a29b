import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { CLAIM_ATTR } from '../lambda-dedup/src/constants';

/** Props of {@link DedupTable}. */
export interface DedupTableProps {
  /**
   * Delete the table with the stack.
   * @default false - retained
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * The DynamoDB table of fingerprint claims: on-demand, encrypted, point-in-time recovery, TTL on the
 * expiry attribute the dedup function writes. Key and TTL names come from the function's constants.
 */
export class DedupTable extends Construct {
  /** The table. */
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DedupTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: CLAIM_ATTR.fingerprint, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // TTL only tidies up: the function enforces the dedup window in its condition expression.
      timeToLiveAttribute: CLAIM_ATTR.expiresAt,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !props.destroyOnRemoval,
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
  }
}
