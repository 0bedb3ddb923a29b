import { readdirSync, readFileSync } from 'node:fs';

/** One process of a tree, as /proc shows it now. */
export interface ProcessSample {
  readonly pid: number;
  /** The executable's name (`node`, `java`). */
  readonly name: string;
  readonly rssBytes: number;
  /** User plus system CPU seconds so far (its threads included). */
  readonly cpuSeconds: number;
  /** CPU seconds of its busiest thread so far: the part that cannot spread over cores (Node's JavaScript). */
  readonly busiestThreadCpuSeconds: number;
  /** The part of `rssBytes` that maps files (LevelDB's tables, code): page cache the kernel can drop. */
  readonly fileRssBytes: number;
}

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** Parses /proc/<pid>/stat; the name is in parentheses and may hold spaces. */
function readStat(
  pid: number,
  path = `/proc/${pid}/stat`,
): { ppid: number; name: string; cpuSeconds: number; rssBytes: number } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // it exited meanwhile
  }
  const close = text.lastIndexOf(')');
  const name = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // Fields after the name, from field 3 (state): ppid is 4, utime 14, stime 15, rss 24 (pages).
  return {
    ppid: Number(fields[1]),
    name,
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    rssBytes: Number(fields[21]) * PAGE_BYTES,
  };
}

/** The busiest thread's CPU seconds (/proc/<pid>/task/<tid>/stat). */
function busiestThread(pid: number): number {
  let busiest = 0;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0; // it exited meanwhile
  }
  for (const tid of tids)
    busiest = Math.max(busiest, readStat(Number(tid), `/proc/${pid}/task/${tid}/stat`)?.cpuSeconds ?? 0);
  return busiest;
}

/** RssFile of /proc/<pid>/status, in bytes. */
function fileRss(pid: number): number {
  try {
    return Number(/RssFile:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** `root` and every process under it (Linux /proc): what a run costs when its servers are processes of their own. */
export function sampleProcessTree(root: number): ProcessSample[] {
  const children = new Map<number, number[]>();
  const stats = new Map<number, NonNullable<ReturnType<typeof readStat>>>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    stats.set(pid, stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const out: ProcessSample[] = [];
  const visit = (pid: number) => {
    const stat = stats.get(pid);
    if (stat)
      out.push({
        pid,
        name: stat.name,
        rssBytes: stat.rssBytes,
        cpuSeconds: stat.cpuSeconds,
        busiestThreadCpuSeconds: busiestThread(pid),
        fileRssBytes: fileRss(pid),
      });
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return out;
}

/** Peaks of a process tree sampled on a timer: the sum of RSS (what the machine must hold) and each process's last CPU. */
export class ProcessTreeSampler {
  /** Highest sum of RSS over the tree seen in one sample. */
  peakTotalRssBytes = 0;
  /** Per process (`name pid`): its highest RSS, and its CPU seconds when last seen. */
  readonly byProcess = new Map<
    string,
    { peakRssBytes: number; fileRssAtPeakBytes: number; cpuSeconds: number; busiestThreadCpuSeconds: number }
  >();
  /** The file-backed part of the total at its peak. */
  fileRssAtPeakBytes = 0;
  /** Each process's RSS (`name pid`) in the sample of the total's peak: which process the peak is made of. */
  rssAtPeak = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly root: number,
    intervalMs = 250,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const tree = sampleProcessTree(this.root);
    const total = tree.reduce((n, p) => n + p.rssBytes, 0);
    if (total > this.peakTotalRssBytes) {
      this.peakTotalRssBytes = total;
      this.fileRssAtPeakBytes = tree.reduce((n, p) => n + p.fileRssBytes, 0);
      this.rssAtPeak = new Map(tree.map((p) => [`${p.name} ${p.pid}`, p.rssBytes]));
    }
    for (const p of tree) {
      const key = `${p.name} ${p.pid}`;
      const entry = this.byProcess.get(key) ?? {
        peakRssBytes: 0,
        fileRssAtPeakBytes: 0,
        cpuSeconds: 0,
        busiestThreadCpuSeconds: 0,
      };
      if (p.rssBytes > entry.peakRssBytes) {
        entry.peakRssBytes = p.rssBytes;
        entry.fileRssAtPeakBytes = p.fileRssBytes;
      }
      // Both only grow; a process seen while it exits may show no threads, and its last sample then reads 0.
      entry.cpuSeconds = Math.max(entry.cpuSeconds, p.cpuSeconds);
      entry.busiestThreadCpuSeconds = Math.max(entry.busiestThreadCpuSeconds, p.busiestThreadCpuSeconds);
      this.byProcess.set(key, entry);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
