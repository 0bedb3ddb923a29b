import { Template } from 'aws-cdk-lib/assertions';
import { CallCenterAnalyticsStack, type CallCenterAnalyticsStackProps } from '../../lib/call-center-analytics-stack';
import { testApp } from '../setup/temp-dirs';

/** Options of {@link synthStack}. */
export interface SynthOptions {
  /** Stack name. @default 'TestStack' */
  readonly stackName?: string;
  /** Run esbuild for the two functions. @default false (faster; one suite bundles for real) */
  readonly bundle?: boolean;
}

/**
 * Builds the stack in a fresh app and returns it with its template. Template validation is off
 * (CDK_VALIDATION=false, see design notes); the CLI synth test runs it.
 */
export function synthStack(props: CallCenterAnalyticsStackProps = {}, options: SynthOptions = {}) {
  process.env.CDK_VALIDATION = 'false';
  const app = testApp(options.bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CallCenterAnalyticsStack(app, options.stackName ?? 'TestStack', props);
  return { app, stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; DependsOn?: unknown }>;

/** All resources of a template, with their logical ids. */
export function resources(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}

/** Logical id of the only resource whose logical id starts with `prefix` and has `type`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.entries(resources(template))
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

/** A policy statement with actions and resources normalized to arrays. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Condition?: unknown;
}

/** Every statement of every AWS::IAM::Policy attached to the role with this logical id. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  const out: Statement[] = [];
  for (const r of Object.values(resources(template))) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    if (!r.Properties.Roles.some((x: any) => x.Ref === roleId)) continue;
    for (const s of r.Properties.PolicyDocument.Statement) {
      out.push({
        ...s,
        Action: [s.Action].flat(),
        Resource: [s.Resource].flat(),
      });
    }
  }
  return out;
}

/** Sorted, de-duplicated actions of a role's inline policies. */
export function roleActions(template: Template, roleId: string): string[] {
  return [...new Set(roleStatements(template, roleId).flatMap((s) => s.Action))].sort();
}
