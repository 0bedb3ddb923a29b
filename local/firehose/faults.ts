/** Faults the local Firehose endpoint injects, for tests of the callers' retries. */
export interface FirehoseFaults {
  /** Fraction (0-1) of entries answered with a per-entry ServiceUnavailableException. @default 0 */
  readonly failEntryFraction?: number;
  /** The first N calls fail whole with HTTP 503 ServiceUnavailableException. @default 0 */
  readonly failFirstCalls?: number;
  /** Calls fail whole with HTTP 503 for this many milliseconds after the faults are set. @default 0 */
  readonly failCallsForMs?: number;
  /** Seed of the random choice of failed entries, so a run can be replayed. @default 1 */
  readonly seed?: number;
}

/** Decides, deterministically from a seed, which calls and entries fail. */
export class FaultInjector {
  private readonly random: () => number;
  private callsSeen = 0;
  private readonly since = Date.now();

  constructor(private readonly faults: FirehoseFaults = {}) {
    this.random = mulberry32(faults.seed ?? 1);
  }

  /** True when this whole call must fail. Counts the call. */
  failCall(): boolean {
    this.callsSeen += 1;
    if (this.callsSeen <= (this.faults.failFirstCalls ?? 0)) return true;
    return Date.now() - this.since < (this.faults.failCallsForMs ?? 0);
  }

  /** True when this entry must fail. */
  failEntry(): boolean {
    const fraction = this.faults.failEntryFraction ?? 0;
    return fraction > 0 && this.random() < fraction;
  }
}

/** Small seeded PRNG (mulberry32): deterministic, good enough to pick entries. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
