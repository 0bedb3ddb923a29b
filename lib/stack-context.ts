import { Duration, Size } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import type { CallCenterAnalyticsStackProps } from './call-center-analytics-stack';
import type { EventSourceSettings } from './definitions/event-source-settings';
import { InvalidSettingError } from './errors';

/** Context keys the app reads (`cdk deploy -c key=value` or `context` in cdk.json), with their meaning. */
export const CONTEXT_KEYS = {
  stackName: 'Stack name (default CallCenterAnalytics)',
  connectInstanceArn: 'Amazon Connect instance ARN to hook up (default none)',
  timeZone: 'IANA time zone of the contact center for dates, hours and intervals (default UTC)',
  shardCount: 'Provisioned shards (default on-demand)',
  streamRetentionHours: 'Stream retention in hours (default 24)',
  batchSize: 'Event source batch size (default 100)',
  maxBatchingWindowSeconds: 'Event source batching window (default 1)',
  parallelizationFactor: 'Event source parallelization factor (default 1)',
  retryAttempts: 'Event source retry attempts (default 10)',
  maxRecordAgeSeconds: 'Event source maximum record age (default 86400)',
  bisectBatchOnError: 'Bisect a failing batch (default true)',
  dedupWindowDays: 'Dedup window in days (default 7)',
  fingerprintMode: 'canonical | raw (default canonical)',
  deliveryReceipts: 'batch | off (default batch)',
  firehoseBufferingSeconds: 'Firehose buffering interval (default 60)',
  firehoseBufferingMiB: 'Firehose buffering size (default 64)',
  dataTransitionDays: 'Days before CTRs move to Standard-IA (default 90)',
  athenaResultsExpirationDays: 'Days Athena results are kept (default 7)',
  alarmEmail: 'Email for alarm notifications (default none)',
  alarmTopicArn: 'Existing SNS topic for alarms (default none)',
  pseudonymize: "Replace callers' numbers by keyed tokens (default true)",
  pseudonymizedPaths: 'More comma-separated JSON paths to pseudonymize, e.g. Attributes.CallbackNumber (default none)',
  quarantineReaders: 'Comma-separated IAM principal ARNs allowed to read quarantined records (default nobody)',
  destroyOnRemoval: 'Delete data with the stack (default false)',
} as const;

type ContextKey = keyof typeof CONTEXT_KEYS;

/** Reads typed context values; CLI values arrive as strings, cdk.json values as JSON types. */
class ContextReader {
  constructor(private readonly node: Node) {}

  string(key: ContextKey): string | undefined {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new InvalidSettingError(key, 'a string', value);
    return value;
  }

  number(key: ContextKey): number | undefined {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isFinite(n)) throw new InvalidSettingError(key, 'a number', value);
    return n;
  }

  boolean(key: ContextKey): boolean | undefined {
    const value: unknown = this.node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw new InvalidSettingError(key, 'true or false', value);
  }
}

const map = <T, U>(value: T | undefined, f: (v: T) => U): U | undefined => (value === undefined ? undefined : f(value));

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** Builds the stack's props from CDK context, leaving every unset value to the stack's defaults. */
export function stackPropsFromContext(node: Node): CallCenterAnalyticsStackProps & { readonly stackName: string } {
  const ctx = new ContextReader(node);
  const fingerprintMode = ctx.string('fingerprintMode');
  if (fingerprintMode !== undefined && fingerprintMode !== 'canonical' && fingerprintMode !== 'raw') {
    throw new InvalidSettingError('fingerprintMode', '"canonical" or "raw"', fingerprintMode);
  }
  const deliveryReceipts = ctx.string('deliveryReceipts');
  if (deliveryReceipts !== undefined && deliveryReceipts !== 'batch' && deliveryReceipts !== 'off') {
    throw new InvalidSettingError('deliveryReceipts', '"batch" or "off"', deliveryReceipts);
  }
  const eventSource: Partial<Record<keyof EventSourceSettings, number | boolean>> = {};
  for (const key of [
    'batchSize',
    'maxBatchingWindowSeconds',
    'parallelizationFactor',
    'retryAttempts',
    'maxRecordAgeSeconds',
  ] as const) {
    const value = ctx.number(key);
    if (value !== undefined) eventSource[key] = value;
  }
  const bisect = ctx.boolean('bisectBatchOnError');
  if (bisect !== undefined) eventSource.bisectBatchOnError = bisect;

  return {
    stackName: ctx.string('stackName') ?? 'CallCenterAnalytics',
    connectInstanceArn: ctx.string('connectInstanceArn'),
    timeZone: ctx.string('timeZone'),
    shardCount: ctx.number('shardCount'),
    streamRetention: map(ctx.number('streamRetentionHours'), Duration.hours),
    eventSource: eventSource as Partial<EventSourceSettings>,
    dedupWindow: map(ctx.number('dedupWindowDays'), Duration.days),
    fingerprintMode,
    deliveryReceipts,
    firehoseBufferingInterval: map(ctx.number('firehoseBufferingSeconds'), Duration.seconds),
    firehoseBufferingSize: map(ctx.number('firehoseBufferingMiB'), Size.mebibytes),
    dataTransitionAfter: map(ctx.number('dataTransitionDays'), Duration.days),
    athenaResultsExpiration: map(ctx.number('athenaResultsExpirationDays'), Duration.days),
    alarmEmail: ctx.string('alarmEmail'),
    alarmTopicArn: ctx.string('alarmTopicArn'),
    pseudonymize: ctx.boolean('pseudonymize'),
    pseudonymizedPaths: map(ctx.string('pseudonymizedPaths'), list),
    quarantineReaders: map(ctx.string('quarantineReaders'), list),
    destroyOnRemoval: ctx.boolean('destroyOnRemoval'),
  };
}
