import { renderBarChart } from '../../bench/chart';
import { copyCounts, generateCorpus } from '../../bench/corpus';
import { BenchUsageError, parseBenchOptions } from '../../bench/options';

describe('generateCorpus', () => {
  const corpus = generateCorpus({ records: 400, dupRatio: 0.25 });
  const distinct = new Set(corpus.records.map((r) => r.toString()));

  test('has the requested size and duplicate ratio', () => {
    expect(corpus.records).toHaveLength(400);
    expect(corpus.distinct).toBe(300);
    expect(distinct.size).toBe(300);
  });

  test('gives contacts several versions, which are distinct records', () => {
    const ids = new Set([...distinct].map((r) => (JSON.parse(r) as { ContactId: string }).ContactId));
    expect(ids.size).toBe(corpus.contacts);
    expect(ids.size).toBeLessThan(300);
  });

  test('is the same corpus every time', () => {
    expect(generateCorpus({ records: 400, dupRatio: 0.25 }).records.map(String)).toEqual(corpus.records.map(String));
  });

  test('splits copies into in-batch and cross-batch ones', () => {
    const small = copyCounts(corpus.records, 10);
    const whole = copyCounts(corpus.records, 400);
    expect(small.inBatch + small.crossBatch).toBe(100);
    expect(whole).toEqual({ inBatch: 100, crossBatch: 0 });
  });

  test('uses fictitious 555 phone numbers only', () => {
    for (const r of distinct)
      expect((JSON.parse(r) as { CustomerEndpoint: { Address: string } }).CustomerEndpoint.Address).toMatch(
        /^\+1555\d{7}$/,
      );
  });
});

describe('renderBarChart', () => {
  test('draws one bar per design and batch size, with names escaped', () => {
    const svg = renderBarChart('t <1>', 'records/s', [
      {
        label: 'batch 100',
        values: [
          { series: 'a&b', value: 1000 },
          { series: 'c', value: 10 },
        ],
      },
      {
        label: 'batch 1000',
        values: [
          { series: 'a&b', value: 2000 },
          { series: 'c', value: 20 },
        ],
      },
    ]);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(4);
    expect(svg).toContain('t &#60;1&#62;');
    expect(svg).not.toContain('a&b');
  });
});

describe('parseBenchOptions', () => {
  test('reads every option', () => {
    expect(
      parseBenchOptions([
        '--records',
        '50',
        '--dup-ratio',
        '0.5',
        '--batch-sizes',
        '10,20',
        '--repeats',
        '2',
        '--latency-ms',
        '5',
      ]),
    ).toMatchObject({
      records: 50,
      dupRatio: 0.5,
      batchSizes: [10, 20],
      repeats: 2,
      latencyMs: 5,
    });
  });

  test('rejects a duplicate ratio of 1', () => {
    expect(() => parseBenchOptions(['--dup-ratio', '1'])).toThrow(BenchUsageError);
  });
});
