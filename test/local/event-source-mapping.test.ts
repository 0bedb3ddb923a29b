import type { KinesisStreamRecord } from 'aws-lambda';
import { resumeIndex } from '../../local/poller/event-source-mapping';

const batch = ['100', '200', '300', '400'].map(
  (sequenceNumber) => ({ kinesis: { sequenceNumber } }) as unknown as KinesisStreamRecord,
);

describe('resumeIndex (partial batch failures, as Lambda reads them)', () => {
  test('resumes at the lowest failed sequence number, whatever the order reported', () => {
    expect(resumeIndex(batch, ['400', '200'])).toBe(1);
    expect(resumeIndex(batch, ['300'])).toBe(2);
  });

  test('treats an empty or unknown identifier as a failure of the whole batch', () => {
    expect(resumeIndex(batch, ['300', ''])).toBe(0);
    expect(resumeIndex(batch, [undefined])).toBe(0);
    expect(resumeIndex(batch, ['999'])).toBe(0);
  });
});
