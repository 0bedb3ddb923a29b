// The SDK's notice about future Node versions and Powertools' per-batch output are not benchmark output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { naiveDesign } from './baselines/naive';
import { powertoolsDesign } from './baselines/powertools';
import { measureBundleSize } from './bundle-size';
import { renderBarChart } from './chart';
import { copyCounts, generateCorpus } from './corpus';
import {
  costPerMillion,
  type DesignUsage,
  functionSecondsPer1000,
  shardHeadroom,
  type TrafficShape,
} from './cost-model';
import type { DedupDesign } from './design';
import { measureEmulatorReplay } from './emulator-replay';
import { measureHandlerLogic } from './handler-logic';
import { toKinesisEvents } from './kinesis-event';
import { timeLocalDemo } from './local-demo';
import { BENCH_NAMES, startBenchServers } from './local-servers';
import { median } from './measure';
import { BENCH_HELP, type BenchOptions, BenchUsageError, parseBenchOptions } from './options';
import { projectDesign } from './project-design';
import { type BenchReport, type DesignFigures, evaluateTargets, formatReport } from './report';
import { type DesignRun, runDesign } from './run-design';

const DESIGNS: readonly DedupDesign[] = [projectDesign, naiveDesign, powertoolsDesign];
const MiB = 1024 * 1024;
const EMULATOR_REPLAY_RECORDS = 2000;
const log = (message: string) => process.stderr.write(`${message}\n`);

async function bench(options: BenchOptions): Promise<BenchReport> {
  const loadAverage = loadavg();
  const corpus = generateCorpus({ records: options.records, dupRatio: options.dupRatio });
  const n = corpus.records.length;
  const traffic: TrafficShape = {
    averageRecordBytes: corpus.records.reduce((sum, r) => sum + r.length, 0) / n,
    distinctShare: corpus.distinct / n,
  };
  log(`corpus: ${n} records, ${corpus.distinct} distinct; starting local servers`);
  const servers = await startBenchServers();
  // CPU runs: no added latency, and every server in a process of its own, Firehose included.
  const cpuBackend = {
    kind: 'cpu',
    dynamodbEndpoint: servers.endpoints.dynamodb,
    firehoseEndpoint: servers.endpoints.firehose,
  } as const;
  const targets = { deliveryStreamName: BENCH_NAMES.deliveryStreamName, bucketName: BENCH_NAMES.bucketName };
  const figures: DesignFigures[] = [];
  const copies: Record<string, { inBatch: number; crossBatch: number }> = {};
  let replay: Awaited<ReturnType<typeof measureEmulatorReplay>> | undefined;
  try {
    for (const batchSize of options.batchSizes) {
      const events = toKinesisEvents(corpus.records, batchSize);
      copies[String(batchSize)] = copyCounts(corpus.records, batchSize);
      // Warm-up: load modules and JIT every design once, so the first design measured is not penalised.
      for (const design of DESIGNS)
        await runDesign(design, toKinesisEvents(corpus.records.slice(0, 200), batchSize), cpuBackend, targets);

      const local = new Map<string, DesignRun[]>(DESIGNS.map((d) => [d.id, []]));
      const memory = new Map<string, DesignRun[]>(DESIGNS.map((d) => [d.id, []]));
      for (let r = 0; r < options.repeats; r++) {
        // Designs take turns within each repeat, so a burst of load elsewhere hits them alike.
        for (const design of DESIGNS) {
          const run = await runDesign(
            design,
            events,
            {
              kind: 'local',
              dynamodbEndpoint: servers.endpoints.dynamodb,
              firehoseEndpoint: servers.endpoints.firehose,
              s3Endpoint: servers.endpoints.s3,
              latencyMs: options.latencyMs,
            },
            targets,
          );
          local.get(design.id)!.push(run);
          // The Firehose endpoint writes its buffers (partitioning, Parquet, backup, S3) up to a second after the last
          // record; in its own process now, but on the same two cores: let it finish before the CPU run.
          await servers.flushFirehose();
          memory.get(design.id)!.push(await runDesign(design, events, cpuBackend, targets));
          await servers.flushFirehose();
          log(
            `batch ${batchSize}, repeat ${r + 1}/${options.repeats}, ${design.id}: ${Math.round((n * 1000) / run.wallMs)} records/s`,
          );
        }
      }
      const projectRps = median(local.get(projectDesign.id)!.map((run) => (n * 1000) / run.wallMs));
      // The model's records/s: this process's CPU plus the injected round trips, without the local servers' own
      // service time (DynamoDB Local on a shared machine takes far longer per batch than DynamoDB does).
      const modelRps = (id: string) => {
        const cpuUs = median(memory.get(id)!.map((run) => run.cpuUs / n));
        const waitUs = (median(local.get(id)!.map((run) => run.latencyWaitMs)) / n) * 1000;
        return 1e6 / (cpuUs + waitUs);
      };
      const noLatencyRps = (id: string) => median(memory.get(id)!.map((run) => (n * 1000) / run.wallMs));
      for (const design of DESIGNS) {
        const runs = local.get(design.id)!;
        const last = runs[runs.length - 1];
        const rps = runs.map((run) => (n * 1000) / run.wallMs);
        const cpuRuns = memory.get(design.id)!;
        const usage: DesignUsage = {
          batchSize,
          cpuMicrosPerRecord: median(cpuRuns.map((run) => run.cpuUs / n)),
          // The latency model: the time at least one injected round trip was pending, per record.
          waitMillisPerRecord: median(runs.map((run) => run.latencyWaitMs)) / n,
          writeUnitsPerRecord: last.dynamodb.writeUnits / n,
          readUnitsPerRecord: last.dynamodb.readUnits / n,
        };
        figures.push({
          design: design.id,
          label: design.label,
          batchSize,
          recordsPerSecond: median(rps),
          recordsPerSecondRuns: rps.map(Math.round),
          dynamodbRequestsPerRecord: last.dynamodb.requests / n,
          writeUnitsPerRecord: last.dynamodb.writeUnits / n,
          writeUnitsPerDistinct: (last.dynamodb.writeUnits - last.dynamodb.failedConditionalWrites) / corpus.distinct,
          failedConditionalWrites: last.dynamodb.failedConditionalWrites,
          readRequestsPerRecord: last.dynamodb.readRequests / n,
          firehoseCallsPerRecord: last.firehose.requests / n,
          forwarded: last.firehose.firehoseRecords,
          expectedForwarded: corpus.distinct,
          failures: last.failures,
          cpuMicrosPerRecord: usage.cpuMicrosPerRecord,
          standInCpuMicrosPerRecord: median(cpuRuns.map((run) => run.standInCpuUs / n)),
          modelRecordsPerSecond: modelRps(design.id),
          projectSpeedupModel: modelRps(projectDesign.id) / modelRps(design.id),
          readUnitsPerRecord: usage.readUnitsPerRecord,
          waitMillisPerRecord: usage.waitMillisPerRecord,
          functionSecondsPer1000: functionSecondsPer1000(usage),
          shardHeadroom: shardHeadroom(usage),
          costPerMillion: costPerMillion(usage, traffic),
          recordsPerSecondNoLatency: noLatencyRps(design.id),
          projectSpeedupNoLatency: noLatencyRps(projectDesign.id) / noLatencyRps(design.id),
          peakRssMiB: Math.max(...cpuRuns.map((run) => run.memory.rss)) / MiB,
          peakHeapMiB: Math.max(...cpuRuns.map((run) => run.memory.heapUsed)) / MiB,
          projectSpeedup: projectRps / median(rps),
        });
      }
    }
    log('emulator replay');
    replay = await measureEmulatorReplay(servers.endpoints.kinesis, corpus.records.slice(0, EMULATOR_REPLAY_RECORDS));
  } finally {
    await servers.close();
  }
  log('handler logic');
  const handlerLogic = measureHandlerLogic(corpus.records, options.repeats);
  log('bundle size');
  const bundle = await measureBundleSize();
  let localDemo: Awaited<ReturnType<typeof timeLocalDemo>> | undefined;
  if (!options.skipDemo) {
    log('local demo (npm start)');
    localDemo = await timeLocalDemo();
  }
  const report: Omit<BenchReport, 'targets'> = {
    machine: {
      cpus: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: totalmem() / 1024 ** 3,
      node: process.version,
      loadAverage,
      loadAverageAtEnd: loadavg(),
    },
    corpus: { records: n, distinct: corpus.distinct, contacts: corpus.contacts, dupRatio: options.dupRatio, copies },
    options: { repeats: options.repeats, latencyMs: options.latencyMs, batchSizes: options.batchSizes },
    designs: figures,
    emulatorReplay: replay,
    handlerLogic,
    bundle,
    localDemo,
  };
  return { ...report, targets: evaluateTargets(report) };
}

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof BenchUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`bench: ${(error as Error).message}\n${BENCH_HELP}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(BENCH_HELP);
    return 0;
  }
  const report = await bench(options);
  process.stdout.write(formatReport(report));
  if (options.json) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.chart) {
    const svg = renderBarChart(
      `Records/s per design (${report.corpus.records} CTRs, ${report.options.latencyMs} ms DynamoDB latency)`,
      'records/s',
      options.batchSizes.map((batchSize) => ({
        label: `batch size ${batchSize}`,
        values: report.designs
          .filter((d) => d.batchSize === batchSize)
          .map((d) => ({ series: d.design, value: d.recordsPerSecond })),
      })),
    );
    await writeFile(options.chart, svg);
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
