import { createReadStream, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { describeFsError, InputError } from './errors';

/** One input to read: a file, stdin, or an S3 object; opened only when its turn comes. */
export interface InputSource {
  /** For messages: the path, `-` (stdin) or `s3://bucket/key`. */
  readonly name: string;
  /** Stored bytes (compressed if gzipped), when known beforehand; stdin's is not. */
  readonly bytes?: number;
  /** The stored bytes as a stream. */
  open(): Promise<Readable> | Readable;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * The bytes of a source, gunzipped when they start with the gzip magic number (whatever the file is
 * called; concatenated gzip members included), as chunks. Counts the stored bytes read into `onBytes`.
 * @throws InputError in words when the source cannot be read or is a broken gzip file.
 */
export async function* sourceChunks(
  source: InputSource,
  onBytes: (n: number) => void = () => undefined,
): AsyncGenerator<Buffer> {
  let raw: Readable | undefined;
  try {
    raw = await source.open();
    const it = (raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    const head = await it.next();
    if (head.done) return;
    const first = head.value;
    async function* stored(): AsyncGenerator<Buffer> {
      onBytes(first.length);
      yield first;
      for (let r = await it.next(); !r.done; r = await it.next()) {
        onBytes(r.value.length);
        yield r.value;
      }
    }
    if (first.length < 2 || first[0] !== GZIP_MAGIC[0] || first[1] !== GZIP_MAGIC[1]) {
      yield* stored();
      return;
    }
    const gunzip = createGunzip();
    const input = Readable.from(stored(), { objectMode: false });
    input.on('error', (err) => gunzip.destroy(err));
    input.pipe(gunzip);
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (err) {
    if (err instanceof InputError) throw err;
    if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw new InputError(`"${source.name}" is not a complete gzip file: check that it was copied whole`);
    }
    throw new InputError(`input ${describeFsError(err, source.name)}`);
  } finally {
    raw?.destroy();
  }
}

const fileSource = (path: string, info: Stats): InputSource => ({
  name: path,
  bytes: info.size,
  open: () => createReadStream(path),
});

/** Regular files under a directory, recursively, in name order; hidden files are skipped. */
async function filesIn(dir: string): Promise<InputSource[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: InputSource[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesIn(path)));
    else if (entry.isFile()) out.push(fileSource(path, await stat(path)));
  }
  return out;
}

/**
 * Resolves the `--input` arguments before anything runs, so a wrong path fails at once: `-` is stdin, a
 * directory stands for every file under it, anything else is a file.
 * @throws InputError naming the argument and what to do.
 */
export async function resolveSources(
  args: readonly string[],
  stdin: () => Readable = () => process.stdin,
): Promise<InputSource[]> {
  const sources: InputSource[] = [];
  let stdinUsed = false;
  for (const arg of args) {
    if (arg === '-') {
      if (stdinUsed) throw new InputError('"-" (standard input) can be given only once');
      stdinUsed = true;
      sources.push({ name: '-', open: stdin });
      continue;
    }
    let info: Stats;
    try {
      info = await stat(arg);
    } catch (err) {
      throw new InputError(`input ${describeFsError(err, arg)}`);
    }
    if (info.isDirectory()) {
      const files = await filesIn(arg).catch((err: unknown) => {
        throw new InputError(`input ${describeFsError(err, arg)}`);
      });
      if (files.length === 0)
        throw new InputError(`input directory "${arg}" holds no files: give a file, or a directory of CTR files`);
      sources.push(...files);
    } else if (info.isFile() || info.isFIFO()) {
      sources.push(fileSource(arg, info));
    } else {
      throw new InputError(`input "${arg}" is not a file or a directory`);
    }
  }
  return sources;
}
