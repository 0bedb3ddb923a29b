// Quarantine warnings per record would bury the test output.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { gzipSync } from 'node:zlib';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { formatReport } from '../../local/doctor/format';
import { probeBatch } from '../../local/doctor/probes';
import { type DoctorReport, runDoctor } from '../../local/doctor/run';
import { type LocalEnvironment, startLocalEnvironment } from '../../local/environment';
import {
  describeStacks,
  doctorClients,
  fakeTiming,
  localInvoke,
  mockedServices,
  STACK,
  stackOutputs,
} from './fixtures';

// The invoke-to-S3 part of the doctor run for real: the emulator handler puts the probes into kinesalite, the
// local event source mapping runs the dedup handler (dynalite claims), the local Firehose endpoint writes Parquet
// and the GZIP JSON backup to s3rver, and the doctor reads the backup through the S3 API. AWS-only services are
// mocked.

const METRICS = { namespace: 'CallCenterAnalytics', service: 'ctr-dedup' };
const status = (report: DoctorReport, id: string) => report.checks.find((c) => c.id === id)?.status;

describe('ctr doctor against the local pipeline', () => {
  let env: LocalEnvironment;
  beforeAll(async () => {
    env = await startLocalEnvironment({ shardCount: 1 });
  });
  afterAll(async () => env?.stop());

  /** Mocked services whose stack outputs name the local bucket (it holds data and quarantine, by prefix). */
  const services = () => {
    const s = mockedServices();
    s.mocks.cloudformation
      .on(DescribeStacksCommand)
      .resolves(describeStacks(stackOutputs(env.names.bucketName, env.names.bucketName)));
    return s;
  };

  test('a healthy pipeline passes every check: probes delivered once, copies dropped, malformed record quarantined', async () => {
    const progress: string[] = [];
    const report = await runDoctor({
      stackName: STACK,
      clients: doctorClients(env.clients.s3, localInvoke(env), services()),
      metrics: METRICS,
      timing: fakeTiming(),
      progress: (m) => progress.push(m),
    });
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id).slice(0, 5)).toEqual(['stack', 'invoke', 'delivery', 'copies', 'quarantine']);
    expect(report.checks.find((c) => c.id === 'delivery')!.detail).toMatch(
      /^3 of 3 in s3:\/\/ctr-local\/backup\/dt=\d{4}-\d{2}-\d{2}\//,
    );
    expect(progress.some((m) => /waiting for Firehose: 3 of 3 probe contacts in S3/.test(m))).toBe(true);
    expect(formatReport(report)).toMatch(
      /\[PASS\] Exact copies dropped: each of 3 delivered contacts is in S3 once; 3 copies dropped/,
    );
  });

  test('a second run with new probes passes again (fresh ContactIds, not taken for duplicates)', async () => {
    const report = await runDoctor({
      stackName: STACK,
      clients: doctorClients(env.clients.s3, localInvoke(env), services()),
      metrics: METRICS,
      timing: fakeTiming(),
    });
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
  });

  test('nothing arrives: delivery, copies and quarantine fail after the wait, with what to do next', async () => {
    const timing = fakeTiming({ deliveryTimeoutMs: 30_000 });
    const progress: string[] = [];
    const report = await runDoctor({
      stackName: STACK,
      clients: doctorClients(
        env.clients.s3,
        async (_name, payload) => ({ sent: (payload as { records: unknown[] }).records.length }),
        services(),
      ),
      metrics: METRICS,
      timing,
      progress: (m) => progress.push(m),
    });
    expect([
      status(report, 'invoke'),
      status(report, 'delivery'),
      status(report, 'copies'),
      status(report, 'quarantine'),
    ]).toEqual(['pass', 'fail', 'fail', 'fail']);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.id === 'delivery')).toMatchObject({
      detail: '0 of 3 arrived within 30 s',
      next: expect.stringContaining('/aws/lambda/'),
    });
    expect(progress.filter((m) => m.startsWith('waiting for Firehose: 0 of 3')).length).toBe(4);
  });

  test('copies delivered: the copies check fails while delivery and quarantine pass', async () => {
    const invoke = async (_name: string, payload: unknown) => {
      const { records } = payload as { records: Array<Record<string, unknown> | string> };
      const ctrs = records.filter((r): r is Record<string, unknown> => typeof r !== 'string');
      const day = new Date().toISOString().slice(0, 10);
      const put = (Key: string, Body: Buffer | string) =>
        env.clients.s3.send(new PutObjectCommand({ Bucket: env.names.bucketName, Key, Body }));
      // A pipeline without dedup: every record delivered, copies included.
      await put(`backup/dt=${day}/broken-dedup.gz`, gzipSync(ctrs.map((r) => `${JSON.stringify(r)}\n`).join('')));
      const malformed = records.find((r) => typeof r === 'string') as string;
      await put(
        `quarantine/dt=${new Date().toISOString().slice(0, 10)}/x/1.json`,
        JSON.stringify({ reason: 'NOT_JSON', dataBase64: Buffer.from(malformed).toString('base64') }),
      );
      return { sent: records.length };
    };
    const report = await runDoctor({
      stackName: STACK,
      clients: doctorClients(env.clients.s3, invoke, services()),
      metrics: METRICS,
      timing: fakeTiming(),
    });
    expect([status(report, 'delivery'), status(report, 'copies'), status(report, 'quarantine')]).toEqual([
      'pass',
      'fail',
      'pass',
    ]);
    expect(report.checks.find((c) => c.id === 'copies')!.detail).toBe('3 exact copies were delivered');
  });

  test('the emulator fails: the invoke check fails with its error text, and no probe is waited for', async () => {
    const report = await runDoctor({
      stackName: STACK,
      clients: doctorClients(
        env.clients.s3,
        async () => {
          throw new Error(
            'the function failed: 2 of 7 records not sent (5 sent): #0 ProvisionedThroughputExceededException',
          );
        },
        services(),
      ),
      metrics: METRICS,
      timing: fakeTiming(),
    });
    expect(report.checks.find((c) => c.id === 'invoke')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('ProvisionedThroughputExceededException'),
    });
    expect(status(report, 'delivery')).toBeUndefined();
    expect(status(report, 'metrics')).toBe('skip');
    expect(report.ok).toBe(false);
  });

  test('the emulator reports fewer records sent than asked: the invoke check fails', async () => {
    const probes = probeBatch();
    const report = await runDoctor({
      stackName: STACK,
      clients: doctorClients(env.clients.s3, async () => ({ sent: 2 }), services()),
      metrics: METRICS,
      timing: fakeTiming(),
      probes,
    });
    expect(report.checks.find((c) => c.id === 'invoke')).toMatchObject({
      status: 'fail',
      detail: `it reported {"sent":2}, expected {"sent":${probes.payload.records.length}}`,
    });
  });

  test('a run across midnight UTC finds the probes in the day they arrived, not only in the day the wait ends', async () => {
    // Probes sent at 23:59:50 land in that day's partitions; Firehose's buffer holds them past midnight.
    let t = Date.UTC(2026, 0, 31, 23, 59, 50);
    const timing = fakeTiming({
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
    });
    const arrivalDay = '2026-01-31';
    const invoke = async (_name: string, payload: unknown) => {
      const { records } = payload as { records: Array<Record<string, unknown> | string> };
      const firsts = new Map<unknown, Record<string, unknown>>();
      for (const r of records) if (typeof r !== 'string' && !firsts.has(r.ContactId)) firsts.set(r.ContactId, r);
      const put = (Key: string, Body: Buffer | string) =>
        env.clients.s3.send(new PutObjectCommand({ Bucket: env.names.bucketName, Key, Body }));
      await put(
        `backup/dt=${arrivalDay}/late.gz`,
        gzipSync([...firsts.values()].map((r) => `${JSON.stringify(r)}\n`).join('')),
      );
      const malformed = records.find((r) => typeof r === 'string') as string;
      await put(
        `quarantine/dt=${arrivalDay}/x/late.json`,
        JSON.stringify({ reason: 'NOT_JSON', dataBase64: Buffer.from(malformed).toString('base64') }),
      );
      t += 60_000;
      return { sent: records.length };
    };
    const report = await runDoctor({
      stackName: STACK,
      clients: doctorClients(env.clients.s3, invoke, services()),
      metrics: METRICS,
      timing,
    });
    expect([status(report, 'delivery'), status(report, 'copies'), status(report, 'quarantine')]).toEqual([
      'pass',
      'pass',
      'pass',
    ]);
    expect(report.checks.find((c) => c.id === 'delivery')!.detail).toContain(
      'backup/dt=2026-01-31/, backup/dt=2026-02-01/',
    );
  });
});
