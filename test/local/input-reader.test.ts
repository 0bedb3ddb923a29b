import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { InputError, RecordSplitter, readInputFile, readRecords, resolveSources } from '../../local/input';

// The streaming reader behind `ctr local` and `ctr replay`: every layout, compression and source.
const a = { ContactId: 'a', InitiationTimestamp: '2022-01-05T17:12:59Z', Attributes: { note: 'x}{"y' } };
const b = { ContactId: 'b', InitiationTimestamp: '2022-01-05T17:13:00Z', Agent: null };
const compact = (v: unknown) => JSON.stringify(v);
const texts = (records: Buffer[]) => records.map((r) => r.toString('utf8'));

/** Splits `bytes` fed in chunks of `size` bytes. */
function splitInChunks(bytes: Buffer, size: number): Buffer[] {
  const splitter = new RecordSplitter();
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...splitter.push(bytes.subarray(i, i + size)));
  out.push(...splitter.end());
  return out;
}

describe('RecordSplitter', () => {
  const layouts: Array<[string, string, string[]]> = [
    ['NDJSON with LF', `${compact(a)}\n${compact(b)}\n`, [compact(a), compact(b)]],
    ['NDJSON with CRLF and blank lines', `${compact(a)}\r\n\r\n${compact(b)}\r\n`, [compact(a), compact(b)]],
    ['NDJSON with a BOM and no final newline', `\ufeff${compact(a)}\n${compact(b)}`, [compact(a), compact(b)]],
    [
      'NDJSON whose first line is a broken object',
      `{"ContactId": "broken"\n${compact(a)}\nnot json\n`,
      ['{"ContactId": "broken"', compact(a), 'not json'],
    ],
    ['a pretty-printed JSON array', JSON.stringify([a, b], null, 2), [compact(a), compact(b)]],
    [
      'an array with a string, a number and a nested array',
      `[${compact(a)}, "raw text", 42, [1,2]]`,
      [compact(a), 'raw text', '42', '[1,2]'],
    ],
    ['one pretty-printed object', JSON.stringify(a, null, 2), [compact(a)]],
    [
      'objects concatenated with no separator (the demo lake)',
      `${compact(a)}${compact(b)}${compact(a)}`,
      [compact(a), compact(b), compact(a)],
    ],
    [
      'pretty-printed objects one after another',
      `${JSON.stringify(a, null, 2)}\n${JSON.stringify(b, null, 2)}\n`,
      [compact(a), compact(b)],
    ],
    ['a BOM before an array', `\ufeff[${compact(b)}]`, [compact(b)]],
  ];

  test.each(layouts)('%s', (_name, text, expected) => {
    const bytes = Buffer.from(text, 'utf8');
    expect(texts(splitInChunks(bytes, bytes.length))).toEqual(expected);
    // Any chunk boundary gives the same records: one byte at a time, and an odd size.
    expect(texts(splitInChunks(bytes, 1))).toEqual(expected);
    expect(texts(splitInChunks(bytes, 7))).toEqual(expected);
  });

  test('keeps a line that is not UTF-8 as its exact bytes', () => {
    const bad = Buffer.from([0x7b, 0x22, 0x41, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
    const bytes = Buffer.concat([Buffer.from(`${compact(a)}\n`), bad, Buffer.from(`\n${compact(b)}\n`)]);
    const records = splitInChunks(bytes, 5);
    expect(records).toHaveLength(3);
    expect(records[1].equals(bad)).toBe(true);
  });

  test('holds at most one record and one chunk, however long the input', () => {
    const line = `${compact(a)}\n`;
    const splitter = new RecordSplitter();
    let count = 0;
    let maxBuffered = 0;
    const chunk = Buffer.from(line.repeat(50));
    for (let i = 0; i < 2000; i += 1) {
      count += splitter.push(chunk).length;
      maxBuffered = Math.max(maxBuffered, splitter.buffered);
    }
    count += splitter.end().length;
    expect(count).toBe(100_000);
    expect(maxBuffered).toBeLessThanOrEqual(chunk.length + line.length);
  });
});

describe('readRecords and resolveSources', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ctr-input-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, data: string | Buffer) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, data);
    return path;
  };
  const readAll = async (args: string[], stdin?: () => Readable) => {
    const out: Buffer[] = [];
    for await (const r of readRecords(await resolveSources(args, stdin))) out.push(r);
    return texts(out);
  };

  test('reads gzipped inputs of every layout, whatever they are called, and gzip members concatenated', async () => {
    const ndjson = write('day.ndjson.gz', gzipSync(`${compact(a)}\n${compact(b)}\n`));
    const array = write('array.bin', gzipSync(JSON.stringify([a, b])));
    const lake = write('firehose-object', Buffer.concat([gzipSync(compact(a)), gzipSync(compact(b))]));
    expect(await readAll([ndjson])).toEqual([compact(a), compact(b)]);
    expect(await readAll([array])).toEqual([compact(a), compact(b)]);
    expect(await readAll([lake])).toEqual([compact(a), compact(b)]);
  });

  test('reads several files in order, a directory (sorted, recursive, hidden files skipped) and stdin', async () => {
    write('tree/2/x.json', compact(b));
    write('tree/1/y.json', JSON.stringify([a]));
    write('tree/.hidden', 'ignored');
    const one = write('one.json', compact(a));
    const stdin = () => Readable.from([Buffer.from(`${compact(b)}\n`)]);
    expect(await readAll([one, join(dir, 'tree'), '-'], stdin)).toEqual([
      compact(a),
      compact(a),
      compact(b),
      compact(b),
    ]);
  });

  test('reports how much of the input was read, for the ETA', async () => {
    const path = write('progress.ndjson', `${compact(a)}\n`.repeat(10));
    const reader = readRecords(await resolveSources([path]));
    for await (const _ of reader) void _;
    expect(reader.progress).toMatchObject({ records: 10, bytesRead: reader.progress.totalBytes });
    expect(reader.progress.totalBytes).toBe(Buffer.byteLength(`${compact(a)}\n`) * 10);
  });

  test('says in words what is wrong with a path, before reading anything', async () => {
    await expect(resolveSources([join(dir, 'missing.json')])).rejects.toThrow(InputError);
    await expect(resolveSources([join(dir, 'missing.json')])).rejects.toThrow(
      /missing\.json" does not exist: check the path/,
    );
    mkdirSync(join(dir, 'empty'));
    await expect(resolveSources([join(dir, 'empty')])).rejects.toThrow(/holds no files/);
    await expect(resolveSources(['-', '-'])).rejects.toThrow(/only once/);
    const broken = write('broken.gz', gzipSync(compact(a)).subarray(0, 20));
    await expect(readAll([broken])).rejects.toThrow(/not a complete gzip file/);
  });

  // One day's export of a large contact center: the old reader overflowed the stack (spread into push).
  test.each([
    ['newline-delimited', (lines: string[]) => `${lines.join('\n')}\n`],
    ['a JSON array', (lines: string[]) => `[${lines.join(',')}]`],
  ])('reads a 160,000-record file (%s) without overflowing the stack', async (_name, layout) => {
    const lines = Array.from(
      { length: 160_000 },
      (_, i) => `{"ContactId":"c${i}","InitiationTimestamp":"2022-01-05T10:00:00Z"}`,
    );
    const path = write(`big-${_name}.json`, layout(lines));
    const records = await readInputFile(path);
    expect(records).toHaveLength(160_000);
    expect(records[159_999].toString()).toBe(lines[159_999]);
  });
});
