import type { AthenaClient } from '@aws-sdk/client-athena';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { ProbeBatch } from './probes';

/** Outcome of one check: `skip` when it does not apply (it does not fail the run). */
export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One line of the checklist. */
export interface CheckResult {
  /** Stable id (`stack`, `invoke`, `delivery`, ...). */
  readonly id: string;
  /** What was checked, as shown on the line. */
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found: counts, names, or the service's own error text. */
  readonly detail: string;
  /** What to do next when it failed or was skipped. */
  readonly next?: string;
}

/** The clients the doctor uses; tests inject mocked or local ones. */
export interface DoctorClients {
  readonly cloudformation: CloudFormationClient;
  readonly s3: S3Client;
  readonly athena: AthenaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly sns: SNSClient;
  /** Invokes the emulator function with a JSON payload; resolves to its result or rejects with its error text. */
  readonly invokeEmulator: (functionName: string, payload: unknown) => Promise<unknown>;
}

/** The stack outputs the doctor reads (see `CallCenterAnalyticsStack.addOutputs`). */
export interface StackOutputs {
  readonly EmulatorFunctionName: string;
  readonly DedupFunctionName: string;
  readonly DataBucketName: string;
  readonly QuarantineBucketName: string;
  readonly GlueDatabaseName: string;
  readonly AthenaWorkGroupName: string;
  /** Absent when the stack has no alarm topic. */
  readonly AlarmTopicArn?: string;
}

/** Timing of the waits, injectable so tests never wait on a clock. */
export interface DoctorTiming {
  /** How long to wait for Firehose to deliver (its buffer interval is 60 s or more). @default 300000 ms */
  readonly deliveryTimeoutMs: number;
  /** How long to wait for the dedup metrics to appear in CloudWatch. @default 300000 ms */
  readonly metricsTimeoutMs: number;
  /** Pause between polls. @default 10000 ms */
  readonly pollIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/** Everything a check needs. */
export interface DoctorContext {
  readonly stackName: string;
  readonly clients: DoctorClients;
  readonly outputs: StackOutputs;
  readonly probes: ProbeBatch;
  /** Epoch ms when the run started (metrics and alarm history are read from here on). */
  readonly startedAt: number;
  readonly timing: DoctorTiming;
  /** Progress for a human (stderr); never part of the result. */
  readonly progress: (message: string) => void;
}
