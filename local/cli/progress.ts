/** One reading of a long job's progress. */
export interface ProgressReading {
  /** Records done so far. */
  readonly done: number;
  /** Records in all, when known. */
  readonly total?: number;
  /** Fraction of the input read (0 to 1), when the input's size is known: the ETA's basis without a total. */
  readonly fraction?: number;
  /** Extra words after the counts, e.g. "forwarded 120". */
  readonly detail?: string;
}

/** How often progress is printed: often on a terminal (one line redrawn), every few seconds in a log. */
export const PROGRESS_INTERVAL_MS = { terminal: 1000, log: 5000 } as const;

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
};

/**
 * Turns readings into progress lines: the rate over the last interval (not since the start, which hides a
 * slowdown) and an ETA from the remaining records, or the remaining input when only its size is known.
 */
export class ProgressMeter {
  private last: { at: number; done: number; fraction: number } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  line(reading: ProgressReading): string {
    const at = this.now();
    const previous = this.last ?? { at, done: 0, fraction: 0 };
    this.last = { at, done: reading.done, fraction: reading.fraction ?? 0 };
    const seconds = (at - previous.at) / 1000;
    const rate = seconds > 0 ? (reading.done - previous.done) / seconds : 0;
    const parts = [
      reading.total !== undefined ? `${reading.done}/${reading.total} records` : `${reading.done} records`,
    ];
    if (reading.detail) parts.push(reading.detail);
    parts.push(`${Math.round(rate)} records/s`);
    let eta: number | undefined;
    if (reading.total !== undefined && reading.done >= reading.total) eta = 0;
    else if (reading.total !== undefined && rate > 0) eta = (reading.total - reading.done) / rate;
    else if (reading.fraction !== undefined && seconds > 0 && reading.fraction > previous.fraction) {
      eta = (1 - reading.fraction) / ((reading.fraction - previous.fraction) / seconds);
    }
    if (reading.fraction !== undefined) parts.push(`${Math.floor(reading.fraction * 100)}% of the input read`);
    parts.push(eta === undefined ? 'ETA unknown' : `ETA ${clock(eta)}`);
    return parts.join(', ');
  }
}

/**
 * Prints progress to stderr while `read` can be called: on a terminal one line redrawn every second, else a
 * new line every few seconds (CI logs, pipes). `CTR_PROGRESS_INTERVAL_MS` overrides the interval.
 * Returns a function that stops it.
 */
export function startProgress(read: () => ProgressReading, stream: NodeJS.WriteStream = process.stderr): () => void {
  const terminal = stream.isTTY === true;
  const override = Number(process.env.CTR_PROGRESS_INTERVAL_MS);
  const interval = override > 0 ? override : terminal ? PROGRESS_INTERVAL_MS.terminal : PROGRESS_INTERVAL_MS.log;
  const meter = new ProgressMeter();
  meter.line(read());
  let printed = false;
  const timer = setInterval(() => {
    const text = meter.line(read());
    stream.write(terminal ? `\r\x1b[K${text}` : `progress: ${text}\n`);
    printed = true;
  }, interval);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (terminal && printed) stream.write('\n');
  };
}
