import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Peak memory seen while a run was sampled, in bytes. */
export interface MemoryPeak {
  rss: number;
  heapUsed: number;
}

/** Samples `process.memoryUsage()` on demand and on a timer; keeps the peaks. */
export class MemorySampler {
  public readonly peak: MemoryPeak = { rss: 0, heapUsed: 0 };
  private timer: NodeJS.Timeout | undefined;

  /** Starts sampling every `intervalMs` (runs that never yield to timers are sampled with `sample()`). */
  public start(intervalMs = 5): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  public sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    if (rss > this.peak.rss) this.peak.rss = rss;
    if (heapUsed > this.peak.heapUsed) this.peak.heapUsed = heapUsed;
  }

  public stop(): MemoryPeak {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

let gcFunction: (() => void) | undefined;

/**
 * Runs a full garbage collection, so that a run's heap peak is not the previous run's garbage.
 * `--expose-gc` is switched on at run time because `tsx` starts node without it.
 */
export function collectGarbage(): void {
  if (!gcFunction) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

/** Median of numbers (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** CPU time (user + system, µs) the process spends in `fn`. */
export async function cpuMicros<T>(fn: () => Promise<T>): Promise<{ result: T; cpuUs: number; wallMs: number }> {
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = await fn();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const used = process.cpuUsage(start);
  return { result, cpuUs: used.user + used.system, wallMs };
}
