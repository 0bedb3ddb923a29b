import { createDedupHandler } from '../../lambda-dedup/src/handler';
import { fakeFirehose, fakeS3 } from '../dedup/fakes';
import { duplicatedSamples, kinesisEvent, startDynamoDb, testConfig } from '../dedup/helpers';
import { evaluate, fullTemplate, ofType } from './template';

// The dashboard and the alarms read exactly the metrics the dedup handler emits.
// - Amazon CloudWatch, "Specification: Embedded metric format"
//   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
//   a metric is identified by namespace, name and the full set of dimensions of its DimensionSet; an alarm or
//   graph that names a different set (one dimension more or less) reads a different metric, which has no data.
// - Powertools for AWS Lambda (TypeScript), Metrics: the `service` dimension is added to every metric.
// - Amazon CloudWatch, "Dashboard body structure and syntax"
//   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
//   a metric entry is [Namespace, MetricName, DimensionName, DimensionValue, ..., {options}].

interface MetricId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Record<string, string>;
}
const key = (m: MetricId) => `${m.namespace} ${m.name} ${JSON.stringify(Object.entries(m.dimensions).sort())}`;

const { all } = fullTemplate();
const dedupFunction = ofType(all, 'AWS::Lambda::Function').find(([id]) => id.startsWith('DedupFunction'))![1];
const functionEnv = dedupFunction.Properties.Environment.Variables as Record<string, string>;
const namespace = functionEnv.POWERTOOLS_METRICS_NAMESPACE;

/** Metrics of the custom namespace that the alarms read. */
function alarmMetrics(): MetricId[] {
  return ofType(all, 'AWS::CloudWatch::Alarm')
    .map(([, a]) => evaluate(a.Properties))
    .filter((p) => p.Namespace === namespace)
    .map((p) => ({
      namespace: p.Namespace,
      name: p.MetricName,
      dimensions: Object.fromEntries(p.Dimensions.map((d: any) => [d.Name, d.Value])),
    }));
}

/** Metrics of the custom namespace that the dashboard graphs. */
function dashboardMetrics(): MetricId[] {
  const [[, dashboard]] = ofType(all, 'AWS::CloudWatch::Dashboard');
  const body = JSON.parse(evaluate(dashboard.Properties.DashboardBody));
  const entries: unknown[][] = body.widgets.flatMap((w: any) => w.properties.metrics ?? []);
  return entries
    .map((e) => e.filter((x) => typeof x === 'string') as string[])
    .filter(([ns]) => ns === namespace)
    .map(([ns, name, ...dims]) => ({
      namespace: ns,
      name,
      dimensions: Object.fromEntries(Array.from({ length: dims.length / 2 }, (_, i) => [dims[2 * i], dims[2 * i + 1]])),
    }));
}

/** The metrics the real handler emits (EMF on stdout) for a batch, configured by the function's environment. */
async function emittedMetrics(): Promise<MetricId[]> {
  const db = await startDynamoDb('dedup');
  const saved = { ...process.env };
  Object.assign(process.env, {
    POWERTOOLS_METRICS_NAMESPACE: namespace,
    POWERTOOLS_SERVICE_NAME: functionEnv.POWERTOOLS_SERVICE_NAME,
  });
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_DEV;
  const firehose = fakeFirehose();
  const s3 = fakeS3();
  const chunks: string[] = [];
  const out = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation(((c: unknown) => chunks.push(String(c)) > 0) as never);
  try {
    // No metrics object injected: the handler builds its own, as in Lambda.
    const handler = createDedupHandler({
      dynamodb: db.client,
      firehose: firehose.client,
      s3: s3.client,
      config: testConfig(),
    });
    await handler(kinesisEvent([...duplicatedSamples(), 'not json']));
  } finally {
    out.mockRestore();
    firehose.mock.restore();
    s3.mock.restore();
    process.env = saved;
    await db.stop();
  }
  const emf = chunks
    .join('')
    .split('\n')
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l));
  return emf.flatMap((doc) =>
    doc._aws.CloudWatchMetrics.flatMap((directive: any) =>
      directive.Dimensions.flatMap((dimensionSet: string[]) =>
        directive.Metrics.map((m: { Name: string }) => ({
          namespace: directive.Namespace,
          name: m.Name,
          dimensions: Object.fromEntries(dimensionSet.map((d) => [d, doc[d]])),
        })),
      ),
    ),
  );
}

describe('alarm and dashboard metrics are the metrics the handler emits', () => {
  let emitted: Set<string>;
  beforeAll(async () => {
    emitted = new Set((await emittedMetrics()).map(key));
  });

  test('the handler emits its counters with the service dimension Powertools adds', () => {
    expect(emitted.size).toBeGreaterThan(5);
    expect([...emitted].every((k) => k.startsWith(`${namespace} `) && k.includes('["service",'))).toBe(true);
  });

  test('every custom metric an alarm reads is emitted: same namespace, name and dimension set', () => {
    const read = alarmMetrics();
    expect(read.length).toBeGreaterThan(0);
    expect(read.map(key).filter((k) => !emitted.has(k))).toEqual([]);
  });

  test('every custom metric the dashboard graphs is emitted', () => {
    const graphed = dashboardMetrics();
    expect(graphed.length).toBeGreaterThanOrEqual(7);
    expect(graphed.map(key).filter((k) => !emitted.has(k))).toEqual([]);
  });

  test('a metric without the service dimension would not match (the check can fail)', () => {
    const [first] = alarmMetrics();
    expect(emitted.has(key({ ...first, dimensions: {} }))).toBe(false);
  });
});
