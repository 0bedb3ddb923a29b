import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EMULATOR_ENV } from '../lambda-emulator/src/constants';
import { XRAY_WILDCARD_REASON } from './nag-ids';
import { createProjectFunction } from './project-function';

/** Props of {@link EmulatorFunction}. */
export interface EmulatorFunctionProps {
  /** Stream the emulator puts CTRs into. */
  readonly stream: kinesis.IStream;
  /**
   * Memory in MiB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Function timeout.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Retention of the function's log group.
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
 * The emulator function: stands in for Amazon Connect by putting CTRs into the stream.
 * Its role can do nothing but `kinesis:PutRecord` and `kinesis:PutRecords` on that one stream.
 */
export class EmulatorFunction extends Construct {
  /** The function. */
  readonly function: nodejs.NodejsFunction;
  /** Log group of the function. */
  readonly logGroup: logs.LogGroup;
  /** Execution role: logs to its own group and puts records into the stream, nothing else. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: EmulatorFunctionProps) {
    super(scope, id);
    ({
      function: this.function,
      logGroup: this.logGroup,
      role: this.role,
    } = createProjectFunction(this, {
      entry: 'lambda-emulator/src/index.ts',
      description: 'Puts sample CTRs into the CTR stream (stands in for Amazon Connect)',
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: { [EMULATOR_ENV.streamName]: props.stream.streamName },
      logRetention: props.logRetention,
      destroyOnRemoval: props.destroyOnRemoval,
    }));
    // Not stream.grantWrite(): that adds ListShards, which the emulator never calls. The stream's
    // AWS managed key needs no KMS grant.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        resources: [props.stream.streamArn],
      }),
    );

    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: XRAY_WILDCARD_REASON,
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously (aws lambda invoke, RequestResponse) by an operator who sees the error; ' +
        'it has no asynchronous trigger for a DLQ to serve.',
    });
  }
}
