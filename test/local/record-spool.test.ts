import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSpool, MemorySpool } from '../../local/firehose/record-spool';

// The Firehose endpoint of `ctr local` keeps its buffers in spool files: what goes in must come back whole,
// in order, whatever the sizes and however the writes were grouped.
describe('FileSpool', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctr-spool-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const record = (i: number) => Buffer.from(`{"n":${i},"pad":"${'x'.repeat((i * 7919) % 5000)}"}\n`);

  test('gives back every record in order, written or still pending, as often as asked', () => {
    const spool = new FileSpool(dir);
    const sent = Array.from({ length: 1500 }, (_, i) => record(i));
    sent.push(Buffer.alloc(600 * 1024, 0x61)); // larger than one write's batch
    sent.push(record(1500)); // pending, not yet in the file
    for (const r of sent) spool.append(r);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(spool.count).toBe(sent.length);
    expect(spool.bytes).toBe(sent.reduce((n, r) => n + r.length, 0));
    for (let round = 0; round < 2; round++) {
      const back = spool.records();
      expect(back).toHaveLength(sent.length);
      expect(back.every((r, i) => r.equals(sent[i]))).toBe(true);
    }
    spool.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a spool of few records never touches the disk', () => {
    const spool = new FileSpool(dir);
    spool.append(record(1));
    expect(spool.records().map(String)).toEqual([record(1).toString()]);
    expect(readdirSync(dir)).toEqual([]);
    spool.discard();
  });

  test('two spools in one directory keep their own records', () => {
    const a = new FileSpool(dir);
    const b = new FileSpool(dir);
    for (let i = 0; i < 400; i++) (i % 2 ? a : b).append(record(i));
    expect(a.records().every((r) => JSON.parse(r.toString()).n % 2 === 1)).toBe(true);
    expect(b.records().every((r) => JSON.parse(r.toString()).n % 2 === 0)).toBe(true);
    a.discard();
    b.discard();
    expect(existsSync(dir) && readdirSync(dir)).toEqual([]);
  });
});

describe('MemorySpool', () => {
  test('the records it gave back stay whole after it is discarded', () => {
    const spool = new MemorySpool();
    spool.append(Buffer.from('a'));
    spool.append(Buffer.from('b'));
    const back = spool.records();
    spool.discard();
    expect(back.map(String)).toEqual(['a', 'b']);
    expect(spool.count).toBe(0);
  });
});
