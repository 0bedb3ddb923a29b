import type { Ctr } from './corpus';

/** An expected result row, column name to value. */
export type Row = Record<string, string | number | boolean | null>;

/** The newest version of each contact (greatest LastUpdateTimestamp), from the input records alone. */
export function latestPerContact(records: readonly Ctr[]): Ctr[] {
  const latest = new Map<string, Ctr>();
  for (const r of records) {
    const current = latest.get(r.ContactId);
    if (!current || Date.parse(r.LastUpdateTimestamp) > Date.parse(current.LastUpdateTimestamp)) latest.set(r.ContactId, r);
  }
  return [...latest.values()];
}

/** One contact's measures, as the typed view defines them, computed in plain TypeScript. */
interface Measures {
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

function measures(r: Ctr): Measures {
  const enqueue: string | undefined = r.Queue?.EnqueueTimestamp ?? undefined;
  const connected: string | undefined = r.Agent?.ConnectedToAgentTimestamp ?? undefined;
  const answered = connected !== undefined;
  const start = new Date(r.InitiationTimestamp);
  return {
    date: r.InitiationTimestamp.slice(0, 10),
    channel: r.Channel,
    method: r.InitiationMethod,
    queue: r.Queue?.Name ?? null,
    agent: r.Agent?.Username ?? null,
    queued: enqueue !== undefined,
    answered,
    abandoned: enqueue !== undefined && !answered,
    answerSeconds: enqueue && connected ? seconds(enqueue, connected) : null,
    handle: answered ? (r.Agent.AgentInteractionDuration ?? 0) + (r.Agent.CustomerHoldDuration ?? 0) + (r.Agent.AfterContactWorkDuration ?? 0) : null,
    talk: r.Agent?.AgentInteractionDuration ?? null,
    hold: r.Agent?.CustomerHoldDuration ?? null,
    acw: r.Agent?.AfterContactWorkDuration ?? null,
    holds: r.Agent?.NumberOfHolds ?? null,
    longestHold: r.Agent?.LongestHoldDuration ?? null,
    transferred: r.TransferCompletedTimestamp != null || r.TransferredToEndpoint?.Type != null,
    reason: r.DisconnectReason ?? 'UNKNOWN',
    isoDay: start.getUTCDay() === 0 ? 7 : start.getUTCDay(),
    hour: start.getUTCHours(),
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
function groupBy<T>(xs: readonly T[], key: (x: T) => Array<string | number | null>): Array<[Array<string | number | null>, T[]]> {
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
export function expectedAnswers(distinct: readonly Ctr[]): Record<string, Row[]> {
  const m = latestPerContact(distinct).map(measures);
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
      a.channel !== b.channel ? (a.channel! < b.channel! ? -1 : 1) : b.contacts - a.contacts || (a.disconnect_reason! < b.disconnect_reason! ? -1 : 1),
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
      abandonment_rate_pct: pct(count(xs, (x) => x.abandoned), xs.length),
    })),
    speed_of_answer: groupBy(queued, (x) => [x.queue]).map(([[q], xs]) => ({
      queue_name: q,
      queued: xs.length,
      answered: count(xs, (x) => x.answered),
      avg_speed_of_answer_s: avg(xs.filter((x) => x.answered).map((x) => x.answerSeconds)),
      service_level_20s_pct: pct(count(xs, (x) => x.answered && x.answerSeconds! <= 20), xs.length),
    })),
    handle_time_by_agent: handleRows((x) => x.agent, 'agent_username'),
    handle_time_by_queue: handleRows((x) => x.queue, 'queue_name'),
    hold_behaviour_by_agent: groupBy(answered, (x) => [x.agent]).map(([[a], xs]) => ({
      agent_username: a,
      contacts: xs.length,
      contacts_with_hold: count(xs, (x) => x.holds! > 0),
      hold_rate_pct: pct(count(xs, (x) => x.holds! > 0), xs.length),
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
      transfer_rate_pct: pct(count(xs, (x) => x.transferred), xs.length),
    })),
    dedup_audit: perDay.map(([[dt], rs]) => ({
      dt,
      raw_rows: rs.length,
      versions: new Set(rs.map((r) => `${r.ContactId}|${r.LastUpdateTimestamp}`)).size,
      contacts: new Set(rs.map((r) => r.ContactId)).size,
      rows_beyond_versions: rs.length - new Set(rs.map((r) => `${r.ContactId}|${r.LastUpdateTimestamp}`)).size,
    })),
  };
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
