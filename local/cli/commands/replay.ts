import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT, UsageError } from '../errors';
import { handleInterrupt } from '../interrupt';
import { startProgress } from '../progress';

/* eslint-disable @typescript-eslint/no-require-imports */
const HELP = `Usage: ctr replay --input PATH... (--stream NAME | --stack NAME) [--region R] [--rate N]
                  [--checkpoint FILE] [--dry-run] [--json]

Sends CTRs into a deployed stream, where the dedup function drops the copies: a backfill of history, or
the lake of the original demo (objects of CTRs concatenated with no newline, which Athena cannot read).
Records go in input order with PutRecords (500 records or 5 MiB a call; rejected entries are resent).

Options:
  -i, --input PATH...  Files, directories, "-" (standard input) or an S3 prefix (s3://bucket/prefix/):
                       newline-delimited records, JSON arrays, one object or concatenated objects, each
                       possibly gzipped. Records are sent as read (a JSON object from an array or a
                       concatenation as compact JSON).
      --stream NAME    The Kinesis stream.
      --stack NAME     Or the stack whose StreamName output names it (e.g. CallCenterAnalytics).
      --region R       AWS Region. Default: from the environment.
      --rate N         At most N records a second. Default: as fast as the stream takes them.
      --checkpoint FILE
                       Where progress is saved after each batch, so that running the same command again
                       resumes without resending. Default: .ctr-replay-<id>.json in this directory,
                       named after the stream and the inputs.
      --dry-run        Read everything and report records, bytes and the shards needed; send nothing.
      --json           Print one JSON summary object on stdout (with "error" on failure).
  -h, --help           Show this help.

Records over Kinesis's 1 MiB limit are not sent; the summary lists their positions. Ctrl-C stops after
the batch in flight (the checkpoint is saved) and exits with 130.
`;

/** `ctr replay`. */
export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      input: { type: 'string', short: 'i', multiple: true },
      stream: { type: 'string' },
      stack: { type: 'string' },
      region: { type: 'string' },
      rate: { type: 'string' },
      checkpoint: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  const inputs = [...(values.input ?? []), ...positionals];
  if (inputs.length === 0)
    throw new UsageError('--input PATH is required (files, a directory, - or s3://bucket/prefix/)');
  const dryRun = values['dry-run'];
  if (!dryRun && !values.stream === !values.stack)
    throw new UsageError('give the stream: --stream NAME or --stack NAME (one of them)');
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(rate > 0)) throw new UsageError('--rate must be a positive number of records a second');

  const { KinesisClient } = require('@aws-sdk/client-kinesis') as typeof import('@aws-sdk/client-kinesis');
  const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { NodeHttpHandler } = require('@smithy/node-http-handler') as typeof import('@smithy/node-http-handler');
  const { readRecords, resolveSources } = require('../../input') as typeof import('../../input');
  const { parseS3Url, s3Sources } = require('../../replay/s3-sources') as typeof import('../../replay/s3-sources');
  const { replayRecords } = require('../../replay/replay') as typeof import('../../replay/replay');
  const clientConfig = values.region ? { region: values.region } : {};

  const sources = [];
  for (const input of inputs) {
    if (parseS3Url(input)) sources.push(...(await s3Sources(new S3Client(clientConfig), input)));
    else sources.push(...(await resolveSources([input])));
  }
  let streamName = values.stream ?? '';
  if (values.stack) {
    const { CloudFormationClient } =
      require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation');
    const { streamFromStack } = require('../../replay/stack-stream') as typeof import('../../replay/stack-stream');
    streamName = await streamFromStack(new CloudFormationClient(clientConfig), values.stack);
  }
  const key = createHash('sha256')
    .update(JSON.stringify({ streamName, inputs: sources.map((s) => [s.name, s.bytes ?? null]) }))
    .digest('hex')
    .slice(0, 12);
  const checkpointPath = resolve(values.checkpoint ?? `.ctr-replay-${key}.json`);

  const reader = readRecords(sources);
  const abort = new AbortController();
  const uninstall = handleInterrupt(
    () => abort.abort(),
    () => undefined,
    'finishing the batch in flight and saving the checkpoint',
  );
  let sent = 0;
  const stopProgress = startProgress(() => ({
    done: sent,
    fraction: reader.progress.totalBytes ? reader.progress.bytesRead / reader.progress.totalBytes : undefined,
  }));
  try {
    // HTTP/1.1 handler: works with AWS and with local stand-ins (kinesalite refuses HTTP/2).
    const kinesis = new KinesisClient({ ...clientConfig, requestHandler: new NodeHttpHandler() });
    const summary = await replayRecords({
      kinesis,
      streamName,
      records: reader,
      rate,
      dryRun,
      checkpoint: { path: checkpointPath, key },
      signal: abort.signal,
      onBatch: (s) => (sent = s.sent + s.skipped),
    });
    stopProgress();
    const result = {
      ...summary,
      streamName: dryRun ? (values.stream ?? null) : streamName,
      checkpoint: dryRun ? null : checkpointPath,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${formatReplay(result)}\n`);
    if (summary.records === 0) return EXIT.emptyInput;
    return summary.interrupted ? EXIT.interrupted : EXIT.ok;
  } finally {
    stopProgress();
    uninstall();
  }
}

function formatReplay(
  s: import('../../replay/replay').ReplaySummary & { streamName: string | null; checkpoint: string | null },
): string {
  const lines = [
    `${s.shardsNeeded ? 'Replay dry run' : `Replay into ${s.streamName}`} (${(s.elapsedMs / 1000).toFixed(1)} s)${s.interrupted ? ', interrupted by Ctrl-C' : ''}`,
    `  records read                 ${s.records}`,
    `  skipped (sent before)        ${s.skipped}`,
    `  ${s.shardsNeeded ? 'would send' : 'sent'}${' '.repeat(s.shardsNeeded ? 19 : 25)}${s.shardsNeeded ? s.records - s.skipped - s.tooLarge : s.sent}`,
    `  too large for Kinesis        ${s.tooLarge}${s.tooLargeIndexes.length ? ` (input records ${s.tooLargeIndexes.join(', ')})` : ''}`,
    `  bytes (with partition keys)  ${s.bytes}`,
  ];
  if (s.shardsNeeded)
    lines.push(
      `  shards needed                ${s.shardsNeeded.shards} (at ${s.shardsNeeded.atRecordsPerSecond} records/s)`,
    );
  if (s.checkpoint) lines.push(`Checkpoint: ${s.checkpoint} (run the same command again to resume)`);
  if (s.records === 0) lines.push('The input held no records: nothing was sent.');
  return lines.join('\n');
}
/* eslint-enable @typescript-eslint/no-require-imports */
