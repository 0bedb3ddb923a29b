import type { BundleSize } from './bundle-size';
import { type CostPerMillion, PRICES } from './cost-model';
import type { ReplayResult } from './emulator-replay';
import type { HandlerLogicCost } from './handler-logic';
import type { DemoTiming } from './local-demo';

/** Figures of one design at one batch size. */
export interface DesignFigures {
  readonly design: string;
  readonly label: string;
  readonly batchSize: number;
  /** Median over the repeats, against the local servers. */
  readonly recordsPerSecond: number;
  readonly recordsPerSecondRuns: number[];
  readonly dynamodbRequestsPerRecord: number;
  readonly writeUnitsPerRecord: number;
  /** Successful writes (claims, completions, receipts) per distinct record. */
  readonly writeUnitsPerDistinct: number;
  readonly failedConditionalWrites: number;
  readonly readRequestsPerRecord: number;
  readonly firehoseCallsPerRecord: number;
  /** Records forwarded to Firehose in the last local run, and what a correct dedup forwards. */
  readonly forwarded: number;
  readonly expectedForwarded: number;
  readonly failures: number;
  /** Median over the repeats: client CPU with DynamoDB in its own process and Firehose in memory, SDK included. */
  readonly cpuMicrosPerRecord: number;
  /** CPU the in-memory Firehose stand-in spent answering, per record: measured and taken out of `cpuMicrosPerRecord`. */
  readonly standInCpuMicrosPerRecord: number;
  /** 1,000,000 / (CPU µs + injected wait µs) per record: records/s without the local servers' own service time. */
  readonly modelRecordsPerSecond: number;
  /** This project's model records/s divided by this design's. */
  readonly projectSpeedupModel: number;
  readonly readUnitsPerRecord: number;
  /** Time per record with an injected DynamoDB round trip pending (the latency model). */
  readonly waitMillisPerRecord: number;
  /** At 512 MB on Arm: CPU scaled by 1,769 MB per vCPU, plus the wait. */
  readonly functionSecondsPer1000: number;
  /** Full shards (1,000 records/s) one concurrent batch keeps up with, by the model. */
  readonly shardHeadroom: number;
  readonly costPerMillion: CostPerMillion;
  /** Median records/s of the CPU runs: DynamoDB Local with no injected latency, Firehose in memory. */
  readonly recordsPerSecondNoLatency: number;
  readonly projectSpeedupNoLatency: number;
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  /** This project's records/s divided by this design's. */
  readonly projectSpeedup: number;
}

/** Everything one benchmark run measured. */
export interface BenchReport {
  readonly machine: {
    readonly cpus: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly loadAverage: number[];
    readonly loadAverageAtEnd?: number[];
  };
  readonly corpus: {
    readonly records: number;
    readonly distinct: number;
    readonly contacts: number;
    readonly dupRatio: number;
    readonly copies: Record<string, { inBatch: number; crossBatch: number }>;
  };
  readonly options: { readonly repeats: number; readonly latencyMs: number; readonly batchSizes: number[] };
  readonly designs: DesignFigures[];
  readonly emulatorReplay?: ReplayResult;
  readonly handlerLogic?: HandlerLogicCost;
  readonly bundle?: BundleSize;
  readonly localDemo?: DemoTiming;
  readonly targets: { readonly target: string; readonly measured: string; readonly met: boolean }[];
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

/** Evaluates the issue's targets (printed next to the figures; the benchmark never fails on them). */
export function evaluateTargets(report: Omit<BenchReport, 'targets'>): BenchReport['targets'] {
  const targets: BenchReport['targets'] = [];
  for (const batchSize of report.options.batchSizes) {
    const at = report.designs.filter((d) => d.batchSize === batchSize);
    const naive = at.find((d) => d.design === 'naive');
    const powertools = at.find((d) => d.design === 'powertools');
    const latency = `${report.options.latencyMs} ms DynamoDB latency`;
    if (naive) {
      targets.push({
        target: `>= 20x naive throughput, ${latency} (batch ${batchSize})`,
        measured: `${fmt(naive.projectSpeedup, 1)}x`,
        met: naive.projectSpeedup >= 20,
      });
      targets.push({
        target: `>= 20x naive by the model (CPU + ${latency}, batch ${batchSize})`,
        measured: `${fmt(naive.projectSpeedupModel, 1)}x`,
        met: naive.projectSpeedupModel >= 20,
      });
      targets.push({
        target: `ahead of naive with no added latency (batch ${batchSize})`,
        measured: `${fmt(naive.projectSpeedupNoLatency, 1)}x`,
        met: naive.projectSpeedupNoLatency > 1,
      });
    }
    if (powertools) {
      targets.push({
        target: `>= 5x Powertools throughput, ${latency} (batch ${batchSize})`,
        measured: `${fmt(powertools.projectSpeedup, 1)}x`,
        met: powertools.projectSpeedup >= 5,
      });
      targets.push({
        target: `>= 5x Powertools by the model (CPU + ${latency}, batch ${batchSize})`,
        measured: `${fmt(powertools.projectSpeedupModel, 1)}x`,
        met: powertools.projectSpeedupModel >= 5,
      });
      targets.push({
        target: `ahead of Powertools with no added latency (batch ${batchSize})`,
        measured: `${fmt(powertools.projectSpeedupNoLatency, 1)}x`,
        met: powertools.projectSpeedupNoLatency > 1,
      });
    }
    const project = at.find((d) => d.design === 'project');
    if (project) {
      targets.push({
        target: `<= 0.06 DynamoDB requests per record (batch ${batchSize})`,
        measured: fmt(project.dynamodbRequestsPerRecord, 3),
        met: project.dynamodbRequestsPerRecord <= 0.06,
      });
      targets.push({
        target: `<= 120 µs CPU per record incl. SDK (batch ${batchSize})`,
        measured: `${fmt(project.cpuMicrosPerRecord)} µs`,
        met: project.cpuMicrosPerRecord <= 120,
      });
      targets.push({
        target: `one full shard at 512 MB with >= 2x headroom (batch ${batchSize})`,
        measured: `${fmt(project.shardHeadroom, 2)}x`,
        met: project.shardHeadroom >= 2,
      });
      targets.push({
        target: `<= 1.0 write per distinct record (batch ${batchSize})`,
        measured: fmt(project.writeUnitsPerDistinct, 3),
        met: project.writeUnitsPerDistinct <= 1.0,
      });
      const copies = report.corpus.copies[String(batchSize)];
      const inBatchWrites = Math.max(0, project.failedConditionalWrites - copies.crossBatch);
      targets.push({
        target: `0 writes for copies within a batch (batch ${batchSize}, ${copies.inBatch} such copies)`,
        measured: String(inBatchWrites),
        met: inBatchWrites === 0,
      });
    }
  }
  if (report.handlerLogic) {
    const logic = report.handlerLogic.canonicalMicrosPerRecord;
    targets.push({
      target: '<= 60 µs CPU per record, handler logic without SDK calls (canonical)',
      measured: `${fmt(logic, 1)} µs`,
      met: logic <= 60,
    });
  }
  if (report.bundle)
    targets.push({
      target: 'dedup bundle <= 300 KB',
      measured: `${fmt(report.bundle.bytes / 1024)} KiB`,
      met: report.bundle.bytes <= 300 * 1024,
    });
  if (report.localDemo) {
    const demo = report.localDemo;
    targets.push(
      'skipped' in demo
        ? { target: 'local demo <= 15 s', measured: `not measured: ${demo.skipped}`, met: false }
        : {
            target: 'local demo <= 15 s',
            measured: `${fmt(demo.seconds, 1)} s${demo.exitCode === 0 ? '' : ` (exit ${demo.exitCode})`}`,
            met: demo.exitCode === 0 && demo.seconds <= 15,
          },
    );
  }
  return targets;
}

/** Lays out rows as a Markdown table, so the output can go straight into the README. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The human-readable report. */
export function formatReport(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  const loads = (l: number[]) => l.map((v) => fmt(v, 2)).join(' ');
  out.push(
    `Machine: ${m.cores} x ${m.cpus}, ${fmt(m.memoryGiB, 1)} GiB, Node ${m.node}, load average at start ${loads(m.loadAverage)}${m.loadAverageAtEnd ? `, at end ${loads(m.loadAverageAtEnd)}` : ''}`,
  );
  const c = report.corpus;
  out.push(
    `Corpus: ${c.records} CTRs (~3 KB each), ${c.distinct} distinct (${c.contacts} contacts, 1-3 versions each), duplicate ratio ${c.dupRatio}`,
  );
  out.push(`Repeats: ${report.options.repeats}; DynamoDB latency injected: ${report.options.latencyMs} ms per call`);
  out.push('');
  out.push(
    markdownTable(
      [
        'design',
        'batch',
        'records/s (median)',
        'project ×',
        'DDB req/rec',
        'WU/rec',
        'WU/distinct',
        'Firehose calls/rec',
        'CPU µs/rec',
        'peak heap MiB',
        'forwarded',
      ],
      report.designs.map((d) => [
        d.design,
        String(d.batchSize),
        fmt(d.recordsPerSecond),
        d.design === 'project' ? '1.0' : fmt(d.projectSpeedup, 1),
        fmt(d.dynamodbRequestsPerRecord, 2),
        fmt(d.writeUnitsPerRecord, 2),
        fmt(d.writeUnitsPerDistinct, 2),
        fmt(d.firehoseCallsPerRecord, 3),
        fmt(d.cpuMicrosPerRecord),
        fmt(d.peakHeapMiB),
        `${d.forwarded}/${d.expectedForwarded}${d.forwarded === d.expectedForwarded && d.failures === 0 ? '' : ' ✗'}`,
      ]),
    ),
  );
  out.push('');
  out.push('Function time and shard headroom at 512 MB Arm (CPU x 1,769/512, plus the injected-latency wait):');
  out.push(
    markdownTable(
      [
        'design',
        'batch',
        'CPU µs/rec incl. SDK',
        'stand-in µs/rec (taken out)',
        'wait ms/rec',
        'function s / 1,000 rec',
        'full shards kept up with',
        'records/s, no latency',
        'model records/s',
        'project × (model)',
      ],
      report.designs.map((d) => [
        d.design,
        String(d.batchSize),
        fmt(d.cpuMicrosPerRecord),
        fmt(d.standInCpuMicrosPerRecord, 1),
        fmt(d.waitMillisPerRecord, 3),
        fmt(d.functionSecondsPer1000, 3),
        fmt(d.shardHeadroom, 2),
        fmt(d.recordsPerSecondNoLatency),
        fmt(d.modelRecordsPerSecond),
        d.design === 'project' ? '1.0' : fmt(d.projectSpeedupModel, 1),
      ]),
    ),
  );
  out.push('');
  out.push(`USD per million CTRs, us-east-1 on-demand (prices read ${PRICES.readOn}; see bench/cost-model.ts):`);
  const usd = (v: number) => `$${fmt(v, 3)}`;
  out.push(
    markdownTable(
      [
        'design',
        'batch',
        'DDB writes',
        'DDB reads',
        'Lambda GB-s',
        'Lambda requests',
        'Firehose ingest',
        'Firehose partitioning',
        'Kinesis',
        'total',
      ],
      report.designs.map((d) => {
        const c = d.costPerMillion;
        return [
          d.design,
          String(d.batchSize),
          usd(c.dynamodbWrites),
          usd(c.dynamodbReads),
          usd(c.lambdaCompute),
          usd(c.lambdaRequests),
          usd(c.firehoseIngestion),
          usd(c.firehosePartitioning),
          usd(c.kinesis),
          usd(c.total),
        ];
      }),
    ),
  );
  out.push('');
  if (report.emulatorReplay) {
    const r = report.emulatorReplay;
    out.push(
      `Emulator replay into kinesalite (${r.records} CTRs): batched PutRecords ${fmt(r.batchedPerSecond)} records/s, one PutRecord per CTR ${fmt(r.singlePerSecond)} records/s (${fmt(r.batchedPerSecond / r.singlePerSecond, 1)}x)`,
    );
  }
  if (report.handlerLogic) {
    const h = report.handlerLogic;
    out.push(
      `Handler logic without SDK calls (decode, validate, fingerprint): ${fmt(h.canonicalMicrosPerRecord, 1)} µs/record canonical, ${fmt(h.rawMicrosPerRecord, 1)} µs/record raw; pseudonymizing the delivered line ${fmt(h.pseudonymizeMicrosPerRecord, 1)} µs/record`,
    );
  }
  if (report.bundle)
    out.push(
      `Dedup bundle: ${fmt(report.bundle.bytes / 1024, 1)} KiB minified (${fmt(report.bundle.gzipBytes / 1024, 1)} KiB gzipped), @aws-sdk/* external`,
    );
  if (report.localDemo) {
    const d = report.localDemo;
    out.push(
      'skipped' in d
        ? `Local demo: not measured (${d.skipped})`
        : `Local demo (npm start): ${fmt(d.seconds, 1)} s wall, exit code ${d.exitCode}`,
    );
  }
  out.push('');
  out.push('Targets (informative; the benchmark does not fail on them):');
  out.push(
    markdownTable(
      ['target', 'measured', 'met'],
      report.targets.map((t) => [t.target, t.measured, t.met ? 'yes' : 'NO']),
    ),
  );
  return `${out.join('\n')}\n`;
}
