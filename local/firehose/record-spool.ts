import { closeSync, openSync, readSync, rmSync, writevSync } from 'node:fs';
import { join } from 'node:path';

/** The records of one Firehose buffer, in arrival order, until the buffer is written to S3. */
export interface RecordSpool {
  readonly count: number;
  readonly bytes: number;
  append(record: Buffer): void;
  /** Every record appended, in order. */
  records(): Buffer[];
  /** Frees what the records take (memory or file); the spool is not used again. */
  discard(): void;
}

/** Records held in memory: the default, for small runs and tests. */
export class MemorySpool implements RecordSpool {
  private held: Buffer[] = [];
  bytes = 0;

  get count(): number {
    return this.held.length;
  }

  append(record: Buffer): void {
    this.held.push(record);
    this.bytes += record.length;
  }

  records(): Buffer[] {
    return this.held;
  }

  discard(): void {
    // A new array: the caller may still hold the one `records` returned.
    this.held = [];
    this.bytes = 0;
  }
}

/** Bytes gathered before one write to the file: few system calls, little memory. */
const WRITE_BYTES = 256 * 1024;

/**
 * Records kept in a file of `dir` until the buffer is written: a stream partitioned by contact date keeps one
 * buffer of up to 5 MiB per day, up to 40 MiB of records held at once in a big `ctr local` run (in files, its
 * peak fell by about 11 MiB; docs/scale.md, sixth round). Written with blocking calls because `append` runs
 * inside the synchronous accept of a PutRecordBatch; the file sits in the page cache, so a write is a memory
 * copy. Hand-written: a few calls of node:fs, which no package wraps for a list of buffers read back whole.
 */
export class FileSpool implements RecordSpool {
  private static sequence = 0;
  private readonly path: string;
  private fd?: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly lengths: number[] = [];
  bytes = 0;

  constructor(dir: string) {
    FileSpool.sequence += 1;
    this.path = join(dir, `spool-${process.pid}-${FileSpool.sequence}`);
  }

  get count(): number {
    return this.lengths.length;
  }

  append(record: Buffer): void {
    this.pending.push(record);
    this.pendingBytes += record.length;
    this.lengths.push(record.length);
    this.bytes += record.length;
    if (this.pendingBytes >= WRITE_BYTES) this.writePending();
  }

  records(): Buffer[] {
    const onDisk = this.bytes - this.pendingBytes;
    const all = Buffer.allocUnsafe(this.bytes);
    if (onDisk > 0) {
      for (let at = 0; at < onDisk; ) {
        const read = readSync(this.fd!, all, at, onDisk - at, at);
        if (read === 0)
          throw new Error(`the Firehose spool file ${this.path} is shorter than the records written to it`);
        at += read;
      }
    }
    let at = onDisk;
    for (const record of this.pending) at += record.copy(all, at);
    const out = new Array<Buffer>(this.lengths.length);
    at = 0;
    this.lengths.forEach((length, i) => {
      out[i] = all.subarray(at, at + length);
      at += length;
    });
    return out;
  }

  discard(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.lengths.length = 0;
    this.bytes = 0;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }

  private writePending(): void {
    this.fd ??= openSync(this.path, 'w+');
    let buffers = this.pending;
    // writev may write less than asked; go on from where it stopped.
    for (let left = this.pendingBytes; left > 0; ) {
      let written = writevSync(this.fd, buffers);
      left -= written;
      const rest: Buffer[] = [];
      for (const b of buffers) {
        if (written >= b.length) written -= b.length;
        else {
          rest.push(written > 0 ? b.subarray(written) : b);
          written = 0;
        }
      }
      buffers = rest;
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}
