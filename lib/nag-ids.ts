import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Renders a construct's ARN the way cdk-nag names it in a finding id (`<LogicalId.Arn>`), so that an
 * acknowledgement names exactly one resource instead of a rule wholesale.
 *
 * @example nagArn(bucket) + '/quarantine/*'  // '<QuarantineBucket2B128B57.Arn>/quarantine/*'
 */
export function nagArn(resource: IConstruct): string {
  const element = resource.node.defaultChild as CfnElement;
  return `<${Stack.of(element).resolve(element.logicalId)}.Arn>`;
}

/** Reason shared by every X-Ray acknowledgement: the API has no resource-level permissions. */
export const XRAY_WILDCARD_REASON =
  'Active X-Ray tracing (required by Serverless-LambdaTracing) adds xray:PutTraceSegments and ' +
  'xray:PutTelemetryRecords, which support no resource-level permissions, so Resource is "*".';
