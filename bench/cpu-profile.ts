/** A V8 CPU profile as the inspector's `Profiler.stop` returns it. */
export interface CpuProfile {
  readonly nodes: {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: number[];
  }[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

/** Where the handler's CPU goes, in the categories docs/performance.md reports. */
const CATEGORIES: [string, (frame: Frame, stack: readonly Frame[]) => boolean][] = [
  ['profiler (not counted)', (f) => f.url === 'node:inspector'],
  // esbuild's keepNames helper, which tsx turns on: a defineProperty per closure created; not in the deployed bundle.
  ['tsx keepNames helper', (f) => f.functionName === '__name' || f.functionName === 'set name'],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['Firehose stand-in (subtracted in the benchmark)', (f) => f.url.includes('/bench/stubs/')],
  [
    'benchmark harness (counters, memory samples)',
    (f) => f.url.includes('/bench/') || f.functionName === 'memoryUsage',
  ],
  [
    'handler logic: decode, validate, canonical JSON, SHA-256',
    (f) =>
      /classifyRecord|fingerprint|jsonHazards|contactDate/.test(f.url) || f.url.includes('node_modules/canonicalize'),
  ],
  // Decoding the event's base64 data (processBatch's first step).
  [
    'handler logic: base64 decode of the event',
    (f, stack) => f.url === 'node:buffer' && stack.some((s) => s.functionName === 'processBatch'),
  ],
  ['handler logic: pseudonymize (parse, HMAC, serialize)', (f) => f.url.includes('pseudonymize')],
  [
    'SDK: serialize request (JSON, base64 of Firehose data)',
    (f, stack) => isSdk(f) && stack.some((s) => s.functionName === 'serializeRequest'),
  ],
  ['SDK: sign (SigV4, payload SHA-256)', (f, stack) => isSdk(f) && stack.some((s) => s.url.includes('signature-v4'))],
  ['SDK: parse response', (f, stack) => isSdk(f) && stack.some((s) => s.functionName === 'deserializeResponse')],
  ['SDK: middleware, endpoint, retry, other', (f) => isSdk(f)],
  ['Node HTTP client and sockets', (f) => /^node:(_http|net|internal\/stream|internal\/streams|http)/.test(f.url)],
  ['Powertools logger and metrics', (f) => f.url.includes('@aws-lambda-powertools')],
  [
    'handler bookkeeping (batch, claims, delivery)',
    (f) => f.url.includes('/lambda-dedup/') || f.url.includes('/lambda-common/'),
  ],
];
const isSdk = (f: Frame) => /node_modules\/(@smithy|@aws-sdk)\//.test(f.url);
const OTHER = 'other (V8, promises, timers)';

/**
 * Sums the profile's samples by category: each sample goes to the first category that matches a frame,
 * walking from the running function up to the root. Idle time is left out. Milliseconds per category.
 */
export function breakdown(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = new Map<number, Frame[]>();
  const stack = (id: number): Frame[] => {
    let s = stackOf.get(id);
    if (!s) {
      s = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) s.push(byId.get(at)!.callFrame);
      stackOf.set(id, s);
    }
    return s;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frames = stack(id);
    if (frames[0].functionName === '(idle)') return;
    let category = OTHER;
    outer: for (const frame of frames) {
      for (const [name, matches] of CATEGORIES) {
        if (matches(frame, frames)) {
          category = name;
          break outer;
        }
      }
    }
    totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
}
