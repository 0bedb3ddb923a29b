import type { Ctr } from './corpus';

/** An expected result row, column name to value. */
export type Row = Record<string, string | number | boolean | null>;

/** The newest version of each contact (greatest LastUpdateTimestamp), from the input records alone. */
export function latestPerContact(records: readonly Ctr[]): Ctr[] {
  const latest = new Map<string, Ctr>();
  for (const r of records) {
    const current = latest.get(r.ContactId);
    if (!current || Date.parse(r.LastUpdateTimestamp) > Date.parse(current.LastUpdateTimestamp))
      latest.set(r.ContactId, r);
  }
  return [...latest.values()];
}

/** Wall-clock parts of an instant in an IANA time zone, from the JavaScript runtime's own time zone data. */
export interface LocalTime {
  readonly date: string;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 1 = Monday .. 7 = Sunday. */
  readonly isoDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `instant` (ISO-8601 or epoch ms) on the clocks of `timeZone`, computed with Intl.DateTimeFormat (no SQL involved). */
export function localTime(instant: string | number, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    isoDay: WEEKDAYS.indexOf(parts.weekday) + 1,
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const utcMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** One contact's measures, as the typed view defines them, computed in plain TypeScript. */
interface Measures {
  readonly id: string;
  readonly startMs: number;
  readonly address: string | null;
  readonly group1: string | null;
  readonly group2: string | null;
  readonly journey: string;
  readonly waited: number | null;
  /** Local wall-clock start of the 30-minute arrival interval, and that instant in UTC. */
  readonly interval: string;
  readonly intervalUtc: string;
  readonly date: string;
  readonly channel: string;
  readonly method: string;
  readonly queue: string | null;
  readonly agent: string | null;
  readonly queued: boolean;
  readonly answered: boolean;
  readonly abandoned: boolean;
  readonly answerSeconds: number | null;
  readonly handle: number | null;
  readonly talk: number | null;
  readonly hold: number | null;
  readonly acw: number | null;
  readonly holds: number | null;
  readonly longestHold: number | null;
  readonly transferred: boolean;
  readonly reason: string;
  readonly isoDay: number;
  readonly hour: number;
}

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

function measures(r: Ctr, timeZone: string): Measures {
  const enqueue: string | undefined = r.Queue?.EnqueueTimestamp ?? undefined;
  const connected: string | undefined = r.Agent?.ConnectedToAgentTimestamp ?? undefined;
  const answered = connected !== undefined;
  const startMs = Date.parse(r.InitiationTimestamp);
  const local = localTime(startMs, timeZone);
  const intoInterval = (local.minute % 30) * 60 + local.second;
  return {
    id: r.ContactId,
    startMs,
    address: r.CustomerEndpoint?.Address ?? null,
    group1: r.Agent?.HierarchyGroups?.Level1?.GroupName ?? null,
    group2: r.Agent?.HierarchyGroups?.Level2?.GroupName ?? null,
    journey: r.InitialContactId ?? r.ContactId,
    waited: r.Queue?.Duration ?? null,
    interval: `${local.date} ${pad2(local.hour)}:${pad2(local.minute - (local.minute % 30))}`,
    intervalUtc: utcMinute(startMs - intoInterval * 1000),
    date: local.date,
    channel: r.Channel,
    method: r.InitiationMethod,
    queue: r.Queue?.Name ?? null,
    agent: r.Agent?.Username ?? null,
    queued: enqueue !== undefined,
    answered,
    abandoned: enqueue !== undefined && !answered,
    answerSeconds: enqueue && connected ? seconds(enqueue, connected) : null,
    handle: answered
      ? (r.Agent.AgentInteractionDuration ?? 0) +
        (r.Agent.CustomerHoldDuration ?? 0) +
        (r.Agent.AfterContactWorkDuration ?? 0)
      : null,
    talk: r.Agent?.AgentInteractionDuration ?? null,
    hold: r.Agent?.CustomerHoldDuration ?? null,
    acw: r.Agent?.AfterContactWorkDuration ?? null,
    holds: r.Agent?.NumberOfHolds ?? null,
    longestHold: r.Agent?.LongestHoldDuration ?? null,
    transferred: r.TransferCompletedTimestamp != null || r.TransferredToEndpoint?.Type != null,
    reason: r.DisconnectReason ?? 'UNKNOWN',
    isoDay: local.isoDay,
    hour: local.hour,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const pct = (part: number, whole: number) => round2((100 * part) / whole);
function avg(xs: Array<number | null>): number | null {
  const present = xs.filter((x): x is number => x !== null);
  return present.length === 0 ? null : round2(present.reduce((a, b) => a + b, 0) / present.length);
}
const count = <T>(xs: readonly T[], p: (x: T) => boolean) => xs.filter(p).length;

/** Groups by a key of several parts, ordered by those parts (nulls last), as ORDER BY does. */
function groupBy<T>(
  xs: readonly T[],
  key: (x: T) => Array<string | number | null>,
): Array<[Array<string | number | null>, T[]]> {
  const groups = new Map<string, [Array<string | number | null>, T[]]>();
  for (const x of xs) {
    const k = key(x);
    const id = JSON.stringify(k);
    if (!groups.has(id)) groups.set(id, [k, []]);
    groups.get(id)![1].push(x);
  }
  const cmp = (a: string | number | null, b: string | number | null) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
  return [...groups.values()].sort(([a], [b]) => {
    for (let i = 0; i < a.length; i += 1) if (cmp(a[i], b[i]) !== 0) return cmp(a[i], b[i]);
    return 0;
  });
}

/** Each named query's answer, computed from the input records (every distinct version of every contact). */
export function expectedAnswers(distinct: readonly Ctr[], timeZone = 'UTC'): Record<string, Row[]> {
  const m = latestPerContact(distinct).map((r) => measures(r, timeZone));
  const queued = m.filter((x) => x.queued);
  const answered = m.filter((x) => x.answered);
  const handleRows = (key: (x: Measures) => string | null, column: string) =>
    groupBy(answered, (x) => [key(x)]).map(([[k], xs]) => ({
      [column]: k,
      contacts: xs.length,
      avg_handle_s: avg(xs.map((x) => x.handle)),
      avg_talk_s: avg(xs.map((x) => x.talk)),
      avg_hold_s: avg(xs.map((x) => x.hold)),
      avg_acw_s: avg(xs.map((x) => x.acw)),
    }));

  const perChannel = new Map<string, number>();
  for (const x of m) perChannel.set(x.channel, (perChannel.get(x.channel) ?? 0) + 1);
  const reasons = groupBy(m, (x) => [x.channel, x.reason])
    .map(([[channel, reason], xs]) => ({
      channel,
      disconnect_reason: reason,
      contacts: xs.length,
      pct_of_channel: pct(xs.length, perChannel.get(channel as string)!),
    }))
    .sort((a, b) =>
      a.channel !== b.channel
        ? a.channel! < b.channel!
          ? -1
          : 1
        : b.contacts - a.contacts || (a.disconnect_reason! < b.disconnect_reason! ? -1 : 1),
    );

  const perDay = groupBy(distinct, (r) => [r.InitiationTimestamp.slice(0, 10)]);
  return {
    daily_contact_volume: groupBy(m, (x) => [x.date, x.channel, x.method]).map(([[d, c, im], xs]) => ({
      contact_date: d,
      channel: c,
      initiation_method: im,
      contacts: xs.length,
    })),
    abandonment_rate: groupBy(queued, (x) => [x.date, x.queue]).map(([[d, q], xs]) => ({
      contact_date: d,
      queue_name: q,
      queued: xs.length,
      abandoned: count(xs, (x) => x.abandoned),
      abandonment_rate_pct: pct(
        count(xs, (x) => x.abandoned),
        xs.length,
      ),
    })),
    speed_of_answer: groupBy(queued, (x) => [x.queue]).map(([[q], xs]) => ({
      queue_name: q,
      queued: xs.length,
      answered: count(xs, (x) => x.answered),
      avg_speed_of_answer_s: avg(xs.filter((x) => x.answered).map((x) => x.answerSeconds)),
      service_level_20s_pct: pct(
        count(xs, (x) => x.answered && x.answerSeconds! <= 20),
        xs.length,
      ),
    })),
    handle_time_by_agent: handleRows((x) => x.agent, 'agent_username'),
    handle_time_by_queue: handleRows((x) => x.queue, 'queue_name'),
    hold_behaviour_by_agent: groupBy(answered, (x) => [x.agent]).map(([[a], xs]) => ({
      agent_username: a,
      contacts: xs.length,
      contacts_with_hold: count(xs, (x) => x.holds! > 0),
      hold_rate_pct: pct(
        count(xs, (x) => x.holds! > 0),
        xs.length,
      ),
      holds: xs.reduce((s, x) => s + (x.holds ?? 0), 0),
      avg_total_hold_s_per_held_contact: avg(xs.filter((x) => x.holds! > 0).map((x) => x.hold)),
      avg_hold_s_per_hold: ((held, holds) => (holds === 0 ? null : round2(held / holds)))(
        xs.filter((x) => x.holds! > 0).reduce((s, x) => s + (x.hold ?? 0), 0),
        xs.reduce((s, x) => s + (x.holds ?? 0), 0),
      ),
      longest_single_hold_s: Math.max(...xs.map((x) => x.longestHold ?? 0)),
    })),
    disconnect_reasons: reasons,
    hourly_arrival_heatmap: groupBy(m, (x) => [x.isoDay, x.hour]).map(([[d, h], xs]) => ({
      iso_day_of_week: d,
      hour_of_day: h,
      contacts: xs.length,
    })),
    transfers: groupBy(answered, (x) => [x.date, x.queue]).map(([[d, q], xs]) => ({
      contact_date: d,
      queue_name: q,
      answered: xs.length,
      transferred: count(xs, (x) => x.transferred),
      transfer_rate_pct: pct(
        count(xs, (x) => x.transferred),
        xs.length,
      ),
    })),
    repeat_callers: repeatCallers(m),
    service_level_by_interval: groupBy(queued, (x) => [x.intervalUtc, x.interval, x.queue]).map(
      ([[utc, local, q], xs]) => ({
        interval_start: local,
        interval_start_utc: utc,
        queue_name: q,
        queued: xs.length,
        answered: count(xs, (x) => x.answered),
        answered_within_20s: count(xs, (x) => x.answered && x.answerSeconds! <= 20),
        abandoned: count(xs, (x) => x.abandoned),
        service_level_20s_pct: pct(
          count(xs, (x) => x.answered && x.answerSeconds! <= 20),
          xs.length,
        ),
        abandonment_rate_pct: pct(
          count(xs, (x) => x.abandoned),
          xs.length,
        ),
      }),
    ),
    abandonment_by_wait: abandonmentByWait(m.filter((x) => x.abandoned)),
    handle_time_by_agent_group: groupBy(answered, (x) => [x.group1, x.group2]).map(([[g1, g2], xs]) => ({
      agent_group_level1: g1,
      agent_group_level2: g2,
      contacts: xs.length,
      agents: new Set(xs.map((x) => x.agent)).size,
      total_handle_s: xs.reduce((s, x) => s + x.handle!, 0),
      avg_handle_s: avg(xs.map((x) => x.handle)),
      avg_talk_s: avg(xs.map((x) => x.talk)),
      avg_hold_s: avg(xs.map((x) => x.hold)),
      avg_acw_s: avg(xs.map((x) => x.acw)),
    })),
    transfer_chains: transferChains(m),
    dedup_audit_over_time: groupBy(distinct, (r) => [localTime(r.InitiationTimestamp, timeZone).date]).map(
      ([[d], rs]) => {
        const versions = new Set(rs.map((r) => `${r.ContactId}|${r.LastUpdateTimestamp}`)).size;
        const contacts = new Set(rs.map((r) => r.ContactId)).size;
        return {
          contact_date: d,
          raw_rows: rs.length,
          versions,
          contacts,
          rows_beyond_versions: rs.length - versions,
          versions_beyond_contacts: versions - contacts,
        };
      },
    ),
    dedup_audit: perDay.map(([[dt], rs]) => ({
      dt,
      raw_rows: rs.length,
      versions: new Set(rs.map((r) => `${r.ContactId}|${r.LastUpdateTimestamp}`)).size,
      contacts: new Set(rs.map((r) => r.ContactId)).size,
      rows_beyond_versions: rs.length - new Set(rs.map((r) => `${r.ContactId}|${r.LastUpdateTimestamp}`)).size,
    })),
  };
}

/** Per inbound contact: does the same caller's next inbound contact (by start, then id) follow within 24 h / 7 d? */
function repeatCallers(m: readonly Measures[]): Row[] {
  const inbound = m.filter((x) => x.method === 'INBOUND' && x.address !== null);
  const byCaller = groupBy(inbound, (x) => [x.address]);
  const gap = new Map<Measures, number | null>();
  for (const [, xs] of byCaller) {
    const sorted = [...xs].sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
    sorted.forEach((x, i) => {
      gap.set(x, i + 1 < sorted.length ? (sorted[i + 1].startMs - x.startMs) / 1000 : null);
    });
  }
  const within = (x: Measures, seconds: number) => gap.get(x) !== null && gap.get(x)! <= seconds;
  return groupBy(inbound, (x) => [x.date, x.queue]).map(([[d, q], xs]) => {
    const r24 = count(xs, (x) => within(x, 86_400));
    const r7 = count(xs, (x) => within(x, 604_800));
    return {
      contact_date: d,
      queue_name: q,
      contacts: xs.length,
      repeated_within_24h: r24,
      repeated_within_7d: r7,
      repeat_24h_pct: pct(r24, xs.length),
      repeat_7d_pct: pct(r7, xs.length),
      fcr_24h_pct: pct(xs.length - r24, xs.length),
      fcr_7d_pct: pct(xs.length - r7, xs.length),
    };
  });
}

const WAIT_BUCKETS: Array<[number, string]> = [
  [0, '0-5 s'],
  [5, '5-10 s'],
  [10, '10-20 s'],
  [20, '20-30 s'],
  [30, '30-60 s'],
  [60, '1-2 min'],
  [120, '2-5 min'],
  [300, '5 min+'],
];

function abandonmentByWait(abandoned: readonly Measures[]): Row[] {
  const bucket = (waited: number | null) =>
    waited === null ? null : [...WAIT_BUCKETS].reverse().find(([start]) => waited >= start)![0];
  const perQueue = new Map<string | null, number>();
  for (const x of abandoned) perQueue.set(x.queue, (perQueue.get(x.queue) ?? 0) + 1);
  return groupBy(abandoned, (x) => [x.queue, bucket(x.waited)]).map(([[q, b], xs]) => ({
    queue_name: q,
    wait_bucket_start_s: b,
    wait_bucket: WAIT_BUCKETS.find(([start]) => start === b)?.[1] ?? null,
    abandoned: xs.length,
    pct_of_queue_abandoned: pct(xs.length, perQueue.get(q as string | null)!),
  }));
}

function transferChains(m: readonly Measures[]): Row[] {
  const journeys = groupBy(m, (x) => [x.journey]).map(([, xs]) => xs.length);
  return groupBy(journeys, (n) => [n]).map(([[n], js]) => ({
    journey_contacts: n,
    journeys: js.length,
    contacts: (n as number) * js.length,
    pct_of_journeys: pct(js.length, journeys.length),
  }));
}

/** Cell-by-cell differences between actual and expected rows (numbers within 0.011: both sides round to 2 places). */
export function differences(actual: readonly Row[], expected: readonly Row[]): string[] {
  const out: string[] = [];
  if (actual.length !== expected.length) out.push(`row count ${actual.length} != ${expected.length}`);
  for (let i = 0; i < Math.min(actual.length, expected.length); i += 1) {
    const keys = new Set([...Object.keys(actual[i]), ...Object.keys(expected[i])]);
    for (const k of keys) {
      const a = actual[i][k];
      const e = expected[i][k];
      const same = typeof a === 'number' && typeof e === 'number' ? Math.abs(a - e) <= 0.011 : a === e;
      if (!same) out.push(`row ${i} ${k}: ${JSON.stringify(a)} != ${JSON.stringify(e)}`);
    }
  }
  return out;
}
