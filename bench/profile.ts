// Same quiet settings as the benchmark itself.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startDynamoDbLocal } from '../local/servers/dynamodb-local';
import { generateCorpus } from './corpus';
import { breakdown, type CpuProfile } from './cpu-profile';
import { toKinesisEvents } from './kinesis-event';
import { BENCH_NAMES } from './local-servers';
import { median } from './measure';
import { projectDesignFromSource } from './project-design';
import { markdownTable } from './report';
import { runDesign } from './run-design';

const USAGE = `Usage: npm run bench:profile -- [--records N] [--batch-size N] [--repeats N] [--out FILE.cpuprofile]

Runs this project's handler as the benchmark's CPU runs do (DynamoDB Local in its own process, Firehose
answered in memory) under V8's sampling profiler, and prints where its CPU goes, per record. The handler
runs from its sources here, so that the breakdown can go by file; tsx's keepNames helper is shown apart.
`;

/**
 * `npm run bench:profile`: the breakdown behind docs/performance.md. The profile is written too, for
 * Chrome DevTools or speedscope.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      records: { type: 'string' },
      'batch-size': { type: 'string' },
      repeats: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const records = Number(values.records ?? 1000);
  const batchSize = Number(values['batch-size'] ?? 100);
  const repeats = Number(values.repeats ?? 5);
  const out = values.out ?? 'project.cpuprofile';
  const corpus = generateCorpus({ records, dupRatio: 0.3 });
  const events = toKinesisEvents(corpus.records, batchSize);
  const targets = { deliveryStreamName: BENCH_NAMES.deliveryStreamName, bucketName: BENCH_NAMES.bucketName };
  const loadAtStart = loadavg();
  const dynamodb = await startDynamoDbLocal();
  try {
    const run = () =>
      runDesign(projectDesignFromSource, events, { kind: 'cpu', dynamodbEndpoint: dynamodb.endpoint }, targets);
    for (let i = 0; i < 2; i++) await run(); // warm-up: modules loaded, code compiled
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    const cpu: number[] = [];
    const standIn: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const result = await run();
      cpu.push(result.cpuUs / records);
      standIn.push(result.standInCpuUs / records);
    }
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await writeFile(out, JSON.stringify(profile));

    const totals = breakdown(profile as CpuProfile);
    const counted = [...totals].filter(([name]) => !name.startsWith('profiler') && !name.startsWith('tsx'));
    const tsxMs = [...totals].find(([name]) => name.startsWith('tsx'))?.[1] ?? 0;
    const busyMs = counted.reduce((sum, [, ms]) => sum + ms, 0);
    const cpuPerRecord = median(cpu);
    process.stdout.write(
      `Project design, ${records} CTRs, batch ${batchSize}, ${repeats} profiled runs; load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at start, ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at end\n` +
        `CPU per record (process.cpuUsage, stand-in taken out): median ${cpuPerRecord.toFixed(0)} µs (runs ${cpu.map((c) => c.toFixed(0)).join(', ')}); the stand-in's own: ${median(standIn).toFixed(1)} µs\n` +
        `Shares are of the profile's busy samples; µs/record scales each share to the measured median. Profile: ${out}\n` +
        `Left out: tsx's keepNames helper (not in the deployed bundle), ${((100 * tsxMs) / (busyMs + tsxMs)).toFixed(1)}% of the busy samples.\n\n`,
    );
    process.stdout.write(
      markdownTable(
        ['where', 'share', 'µs/record'],
        counted
          .sort((a, b) => b[1] - a[1])
          .map(([name, ms]) => [
            name,
            `${((100 * ms) / busyMs).toFixed(1)}%`,
            ((ms / busyMs) * cpuPerRecord).toFixed(0),
          ]),
      ) + '\n',
    );
  } finally {
    await dynamodb.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:profile failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
