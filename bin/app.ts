#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CallCenterAnalyticsStack } from '../lib/call-center-analytics-stack';
import { stackPropsFromContext } from '../lib/stack-context';

const app = new App();
const props = stackPropsFromContext(app.node);
new CallCenterAnalyticsStack(app, props.stackName, {
  ...props,
  // Unset offline: the stack stays environment-agnostic and synthesizes with no credentials.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
// Any unacknowledged AwsSolutions or Serverless finding fails synth (and so deploy).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
