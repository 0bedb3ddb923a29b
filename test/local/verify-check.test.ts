import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DeliveryVerifier } from '../../local/verify';
import { ctr } from '../dedup/helpers';

// The verifier's check reads the backup object by object, line by line from the bytes, and keeps only the
// delivered lines that match no input record: each case below is one way that bookkeeping could go wrong.
describe('DeliveryVerifier.check and checkBeside', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verify-check-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const deliver = (name: string, text: string) => {
    mkdirSync(join(dir, 'backup', '2022', '01', '05'), { recursive: true });
    writeFileSync(join(dir, 'backup', '2022', '01', '05', name), gzipSync(text));
  };
  const verifier = (inputs: string[]) => {
    const v = new DeliveryVerifier();
    for (const input of inputs) v.add(Buffer.from(input));
    return v;
  };

  const v1 = ctr('c-1', '2022-01-05T17:00:00Z');
  const v2 = ctr('c-1', '2022-01-05T18:00:00Z');
  const other = ctr('c-2', '2022-01-05T17:30:00Z');

  test('every input record delivered once, over two objects, the last line without its newline: OK', async () => {
    deliver('a.gz', `${v1}\n${other}\n`);
    deliver('b.gz', v2);
    const inputs = [v1, v2, other, v1];
    const report = verifier(inputs).check(dir);
    expect(report).toMatchObject({ ok: true, expectedDistinct: 3, deliveredLines: 3, lost: 0, duplicated: 0 });
    expect(await verifier(inputs).checkBeside(dir)).toEqual(report);
  });

  test('a duplicate, a lost latest version, a line matching no input and a line that is not JSON are each counted', async () => {
    deliver('a.gz', `${v1}\n${other}\n${other}\nnot json\n`);
    deliver('b.gz', `${ctr('c-9', '2022-01-05T17:00:00Z')}\n`);
    const inputs = [v1, v2, other];
    const report = verifier(inputs).check(dir);
    expect(report).toMatchObject({
      ok: false,
      deliveredLines: 5,
      lost: 1,
      duplicated: 1,
      unexpected: 2,
      latestMismatches: 1,
    });
    expect(await verifier(inputs).checkBeside(dir)).toEqual(report);
  });

  test('a delivered version the input never had, newer than the input latest, is a latest-version mismatch', async () => {
    deliver('a.gz', `${v1}\n${ctr('c-1', '2022-01-05T19:00:00Z')}\n`);
    const report = verifier([v1]).check(dir);
    expect(report).toMatchObject({ ok: false, lost: 0, unexpected: 1, latestMismatches: 1 });
  });
});
