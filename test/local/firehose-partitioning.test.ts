import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import {
  evaluateJqPathQuery,
  JqEvaluationError,
  parseJqPathQuery,
  renderFirehosePrefix,
  UnsupportedJqQueryError,
} from '../../local/firehose/partitioning';

const JQ = '/usr/bin/jq';
const samples = ['case1.json', 'case2.json', 'case3.json'].map((f) =>
  readFileSync(join(__dirname, '../../samples', f), 'utf8'),
);
// Edge cases where jq's answer is easy to get wrong: missing, null, short, non-ASCII, negative, wrong type.
const edgeCases = [
  '{}',
  '{"InitiationTimestamp":null}',
  '{"InitiationTimestamp":"2022"}',
  '{"InitiationTimestamp":"ÄÖÜ😀2022-01-05T00:00:00Z"}',
  '{"InitiationTimestamp":["a","b","c"]}',
  '{"InitiationTimestamp":20220105}',
  '"just a string"',
  '[1,2]',
];

/** Runs Debian's jq 1.6; returns its compact output, or an error marker when jq fails. */
function realJq(query: string, input: string): string {
  try {
    return execFileSync(JQ, ['-c', query], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  } catch {
    return '<error>';
  }
}

function localJq(query: string, input: string): string {
  try {
    return JSON.stringify(evaluateJqPathQuery(parseJqPathQuery(query), JSON.parse(input)));
  } catch (err) {
    if (err instanceof JqEvaluationError) return '<error>';
    throw err;
  }
}

describe('shared Firehose partitioning', () => {
  if (!existsSync(JQ)) {
    // CI installs jq; without it the comparison cannot run, and says so.
    it.skip(`matches real jq 1.6 (SKIPPED: ${JQ} not found; apt-get install jq)`, () => undefined);
  } else {
    test.each([...samples, ...edgeCases])('evaluates the stack query like real jq 1.6 on %#', (input) => {
      expect(localJq(DELIVERY_LAYOUT.partitionQuery, input)).toBe(realJq(DELIVERY_LAYOUT.partitionQuery, input));
    });

    test('agrees with jq on other slices and paths of the same subset', () => {
      const input = '{"A":{"B":"abcdefghij"},"C":null}';
      for (const query of ['.A.B[2:5]', '.A.B[-3:]', '.A.B[:4]', '.A.B[7:2]', '.C[0:10]', '.A.X', '.A']) {
        expect(localJq(query, input)).toBe(realJq(query, input));
      }
    });
  }

  test('gives the samples their contact date', () => {
    for (const sample of samples) {
      const record = JSON.parse(sample) as { InitiationTimestamp: string };
      const dt = evaluateJqPathQuery(parseJqPathQuery(DELIVERY_LAYOUT.partitionQuery), record);
      expect(dt).toBe(record.InitiationTimestamp.slice(0, 10));
    }
  });

  test('refuses jq it does not implement, so a change of the query cannot drift silently', () => {
    expect(() => parseJqPathQuery('.InitiationTimestamp | strftime("%Y")')).toThrow(UnsupportedJqQueryError);
  });

  test('renders the stack prefixes', () => {
    const timestamp = new Date('2022-01-05T17:12:59Z');
    expect(renderFirehosePrefix(DELIVERY_LAYOUT.prefix, { partitionKeys: { dt: '2022-01-05' }, timestamp })).toBe(
      'ctr/dt=2022-01-05/',
    );
    expect(
      renderFirehosePrefix(DELIVERY_LAYOUT.errorOutputPrefix, { errorOutputType: 'processing-failed', timestamp }),
    ).toBe('firehose-errors/processing-failed/dt=2022-01-05/');
  });
});
