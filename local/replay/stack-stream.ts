import { type CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { CliError } from '../cli/errors';

/** The stack output that names the CTR stream (lib/call-center-analytics-stack.ts). */
export const STREAM_OUTPUT_KEY = 'StreamName';

/**
 * The Kinesis stream a deployed stack created, from its `StreamName` output.
 * @throws CliError in words when the stack or the output is missing.
 */
export async function streamFromStack(cloudformation: CloudFormationClient, stackName: string): Promise<string> {
  let outputs: Output[];
  try {
    const response = await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = response.Stacks?.[0]?.Outputs ?? [];
  } catch (err) {
    if (/does not exist/.test((err as Error).message)) {
      throw new CliError(
        `stack "${stackName}" does not exist in this account and Region: check --stack and --region, or give --stream NAME`,
      );
    }
    throw err;
  }
  const value = outputs.find((o) => o.OutputKey === STREAM_OUTPUT_KEY)?.OutputValue;
  if (!value)
    throw new CliError(
      `stack "${stackName}" has no ${STREAM_OUTPUT_KEY} output (is it this project's stack?): give --stream NAME`,
    );
  return value;
}
