import * as path from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUNDLING, FUNCTION_RUNTIME, PROJECT_ROOT } from './lambda-bundling';

/** What {@link createProjectFunction} builds a function from. */
export interface ProjectFunctionOptions {
  /** Handler file, relative to the repository root (it exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** Memory in MiB. */
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Delete the log group with the stack. @default false - retained */
  readonly destroyOnRemoval?: boolean;
}

/** A function with its own log group and its own role. */
export interface ProjectFunction {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  /** Logs to its own group only; callers grant the rest. */
  readonly role: iam.Role;
}

/**
 * Builds one of the project's Lambda functions in `scope` (children `LogGroup`, `Role`, `Function`): bundled
 * locally by esbuild, ARM64, the newest Node.js runtime, X-Ray tracing.
 */
export function createProjectFunction(scope: Construct, options: ProjectFunctionOptions): ProjectFunction {
  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    retention: options.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: options.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  const role = new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  // Instead of AWSLambdaBasicExecutionRole (logs on every group in the account): this group only.
  logGroup.grantWrite(role);
  const fn = new nodejs.NodejsFunction(scope, 'Function', {
    role,
    entry: path.join(PROJECT_ROOT, options.entry),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
    runtime: FUNCTION_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    memorySize: options.memorySize,
    timeout: options.timeout,
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    bundling: BUNDLING,
    description: options.description,
    environment: options.environment,
  });
  return { function: fn, logGroup, role };
}
