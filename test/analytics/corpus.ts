import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../local/firehose/faults';

/** A CTR as generated (plain JSON). */
export type Ctr = Record<string, any>;

/** Input lines (with copies) and the distinct records a correct pipeline delivers. */
export interface AnalyticsCorpus {
  /** Newline-delimited input, shuffled: versions, exact copies, key-reordered copies. */
  readonly lines: string[];
  /** Every distinct record (by content), i.e. every version of every contact. */
  readonly distinct: Ctr[];
}

const SAMPLES = join(__dirname, '../../samples');
const QUEUES = ['Billing', 'Sales', 'Support'];
const AGENTS = ['ana.silva', 'ben.okafor', 'chen.li', 'dara.khan'];
const REASONS = ['CUSTOMER_DISCONNECT', 'AGENT_DISCONNECT', 'CONTACT_FLOW_DISCONNECT', 'TELECOM_PROBLEM'];
// A Wednesday, a Thursday and a Sunday: the heatmap sees three ISO days. Then the days around New York's
// 2022 clock changes (23-hour 13 March, 25-hour 6 November, in local time) and a gap longer than 7 days.
const DAYS = ['2022-01-05', '2022-01-06', '2022-01-09', '2022-03-13', '2022-03-14', '2022-11-06', '2022-11-07'];
// Hierarchy groups (level 1, level 2) agents belong to.
const GROUPS = [
  ['North', 'North Billing'],
  ['North', 'North Sales'],
  ['South', 'South Support'],
  ['South', null],
] as const;
// Callers: fake numbers and, as the private-lake issue will store them, pseudonymous tokens.
const CALLERS = 260;
const caller = (n: number) =>
  n % 2 === 0 ? `+1800555${String(n).padStart(4, '0')}` : `tok_${((n * 2654435761) >>> 0).toString(16)}`;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The seed's samples: `duplicated_samples.json` (6 records, 3 distinct, 1 contact). */
export function seedRecords(): Ctr[] {
  return JSON.parse(readFileSync(join(SAMPLES, 'duplicated_samples.json'), 'utf8')) as Ctr[];
}

/** Moves a contact (a copy) to start at `startMs`, shifting every timestamp the analytics read by as much. */
function moveTo(record: Ctr, startMs: number, contactId: string): Ctr {
  const delta = startMs - Date.parse(record.InitiationTimestamp);
  const shift = (ts: string | null | undefined) => (ts ? iso(Date.parse(ts) + delta) : ts);
  return {
    ...record,
    ContactId: contactId,
    InitiationTimestamp: shift(record.InitiationTimestamp),
    ConnectedToSystemTimestamp: shift(record.ConnectedToSystemTimestamp),
    DisconnectTimestamp: shift(record.DisconnectTimestamp),
    LastUpdateTimestamp: shift(record.LastUpdateTimestamp),
    TransferCompletedTimestamp: shift(record.TransferCompletedTimestamp),
    Queue: record.Queue && {
      ...record.Queue,
      EnqueueTimestamp: shift(record.Queue.EnqueueTimestamp),
      DequeueTimestamp: shift(record.Queue.DequeueTimestamp),
    },
    Agent: record.Agent && {
      ...record.Agent,
      ConnectedToAgentTimestamp: shift(record.Agent.ConnectedToAgentTimestamp),
    },
  };
}

/**
 * The contacts a transfer of `first` leads to, each starting when the one before was transferred and linked
 * as Connect links them (PreviousContactId, NextContactId, InitialContactId = the first contact's id). Sets
 * `first.NextContactId`; the last contact of the chain is not transferred.
 */
function transferChain(first: Ctr, more: number): Ctr[] {
  const chain: Ctr[] = [];
  let previous = first;
  for (let k = 1; k <= more; k += 1) {
    const last = k === more;
    const next = moveTo(
      previous,
      Date.parse(previous.TransferCompletedTimestamp ?? previous.DisconnectTimestamp),
      `${first.ContactId.slice(0, -2)}t${k}`,
    );
    Object.assign(next, {
      InitiationMethod: 'TRANSFER',
      InitialContactId: first.ContactId,
      PreviousContactId: previous.ContactId,
      NextContactId: null,
      TransferCompletedTimestamp: last ? null : next.TransferCompletedTimestamp,
      TransferredToEndpoint: last ? null : next.TransferredToEndpoint,
    });
    previous.NextContactId = next.ContactId;
    chain.push(next);
    previous = next;
  }
  return chain;
}

/**
 * Hand-placed contacts on the edges the queries must get right: repeat callers exactly at and just past the
 * 24-hour and 7-day windows, arrivals on both sides of a 30-minute boundary, New York's repeated 01:30 (the
 * clocks go back) and its skipped hour, and abandons on wait-bucket edges.
 */
function boundaryCases(template: Ctr): Ctr[] {
  const base: Ctr = {
    ...template,
    InitiationMethod: 'INBOUND',
    Channel: 'VOICE',
    Agent: null,
    AgentConnectionAttempts: 0,
    TransferCompletedTimestamp: null,
    TransferredToEndpoint: null,
    NextContactId: null,
    PreviousContactId: null,
    InitialContactId: null,
    DisconnectReason: 'CUSTOMER_DISCONNECT',
  };
  const at = (id: string, start: string, address: string, waited: number): Ctr => {
    const startMs = Date.parse(start);
    const enqueue = startMs + 10_000;
    const disconnect = enqueue + waited * 1000;
    return {
      ...base,
      ContactId: `00000000-0000-4000-b000-${id.padStart(12, '0')}`,
      InitiationTimestamp: iso(startMs),
      ConnectedToSystemTimestamp: iso(startMs),
      DisconnectTimestamp: iso(disconnect),
      LastUpdateTimestamp: iso(disconnect + 60_000),
      CustomerEndpoint: { Address: address, Type: 'TELEPHONE_NUMBER' },
      Attributes: { Edge: id },
      Queue: {
        ...template.Queue,
        Name: 'Edge',
        EnqueueTimestamp: iso(enqueue),
        DequeueTimestamp: iso(disconnect),
        Duration: waited,
      },
    };
  };
  const plus = (start: string, seconds: number) => iso(Date.parse(start) + seconds * 1000);
  const t = '2022-01-05T10:29:59Z';
  return [
    // Repeat windows: again after exactly 24 h (inside), 24 h + 1 s (outside 24 h), exactly 7 d, 7 d + 1 s.
    at('1', t, '+18005559001', 4),
    at('2', plus(t, 86_400), '+18005559001', 5),
    at('3', t, 'tok_edge24', 5),
    at('4', plus(t, 86_401), 'tok_edge24', 299),
    at('5', '2022-03-13T06:59:59Z', '+18005559002', 300),
    at('6', plus('2022-03-13T06:59:59Z', 604_800), '+18005559002', 9),
    at('7', '2022-11-06T05:30:00Z', '+18005559003', 10),
    at('8', plus('2022-11-06T05:30:00Z', 604_801), '+18005559003', 59),
    // Both sides of an interval boundary, and New York's 01:30 twice (05:30Z and 06:30Z) and the skipped hour.
    at('9', '2022-01-05T10:30:00Z', '+18005559004', 60),
    at('10', '2022-11-06T06:30:00Z', '+18005559005', 119),
    at('11', '2022-03-13T07:00:00Z', '+18005559006', 120),
  ];
}

/**
 * Generates `contacts` contacts over three days with what the named queries measure: channels and initiation
 * methods, queues, abandoned contacts, IVR-only contacts, answer times around the 20 s service level, holds,
 * transfers, disconnect reasons, every hour of the day. About a third get a later version that changes
 * measured fields (so only the latest may count); records are copied exactly or with keys reordered.
 */
export function generateAnalyticsCorpus(contacts: number, seed = 11): AnalyticsCorpus {
  const template = JSON.parse(readFileSync(join(SAMPLES, 'case1.json'), 'utf8')) as Ctr;
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

  const distinct: Ctr[] = [];
  for (let i = 0; i < contacts; i += 1) {
    const day = DAYS[i % DAYS.length];
    const start = Date.parse(`${day}T00:00:00Z`) + int(0, 23) * 3_600_000 + int(0, 3599) * 1000;
    const channel = random() < 0.7 ? 'VOICE' : 'CHAT';
    const method = pick(['INBOUND', 'INBOUND', 'INBOUND', 'OUTBOUND', 'TRANSFER', 'CALLBACK']);
    const kind = random() < 0.1 ? 'ivr' : random() < 0.2 ? 'abandoned' : 'answered';
    const enqueue = start + int(5, 90) * 1000;
    const answer = int(0, 60);
    const connected = enqueue + answer * 1000;
    const talk = int(30, 900);
    const holds = random() < 0.5 ? 0 : int(1, 3);
    const hold = holds === 0 ? 0 : int(10, 300);
    const longest = holds === 0 ? 0 : Math.min(hold, int(10, 300));
    const acw = int(0, 120);
    const transferred = kind === 'answered' && random() < 0.2;
    const disconnect =
      kind === 'ivr'
        ? start + int(10, 120) * 1000
        : kind === 'abandoned'
          ? enqueue + int(5, 300) * 1000
          : connected + (talk + hold) * 1000;
    const record: Ctr = {
      ...template,
      ContactId: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      Channel: channel,
      InitiationMethod: method,
      InitiationTimestamp: iso(start),
      ConnectedToSystemTimestamp: iso(start),
      DisconnectTimestamp: iso(disconnect),
      DisconnectReason: random() < 0.05 ? null : pick(REASONS),
      LastUpdateTimestamp: iso(disconnect + 60_000),
      Attributes:
        random() < 0.1 ? { GreetingPlayed: 'true', greetingPlayed: 'false', Seq: String(i) } : { Seq: String(i) },
      Queue:
        kind === 'ivr'
          ? null
          : {
              ...template.Queue,
              Name: pick(QUEUES),
              EnqueueTimestamp: iso(enqueue),
              DequeueTimestamp: iso(kind === 'answered' ? connected : disconnect),
              Duration: Math.round(((kind === 'answered' ? connected : disconnect) - enqueue) / 1000),
            },
      Agent:
        kind === 'answered'
          ? {
              ...template.Agent,
              Username: pick(AGENTS),
              ConnectedToAgentTimestamp: iso(connected),
              AgentInteractionDuration: talk,
              CustomerHoldDuration: hold,
              NumberOfHolds: holds,
              LongestHoldDuration: longest,
              AfterContactWorkDuration: acw,
            }
          : null,
      TransferCompletedTimestamp: transferred ? iso(connected + talk * 1000) : null,
      TransferredToEndpoint: transferred ? { Address: '+18005550100', Type: 'TELEPHONE_NUMBER' } : null,
    };
    if (record.Agent === null) record.AgentConnectionAttempts = 0;
    record.CustomerEndpoint = { Address: caller(int(0, CALLERS - 1)), Type: 'TELEPHONE_NUMBER' };
    if (record.Agent) {
      const [level1, level2] = pick(GROUPS);
      record.Agent.HierarchyGroups = {
        Level1: { ARN: 'arn:g1', GroupName: level1 },
        Level2: level2 ? { ARN: 'arn:g2', GroupName: level2 } : null,
      };
    }
    // Some transfers continue as a chain of 1 to 3 more contacts (journeys of 2 to 4 contacts).
    const chain = transferred && random() < 0.6 ? transferChain(record, int(1, 3)) : [];
    distinct.push(record);
    if (random() < 0.35) {
      // A later version: after-contact work finished, a survey attribute, sometimes a different reason.
      const later: Ctr = {
        ...record,
        LastUpdateTimestamp: iso(Date.parse(record.LastUpdateTimestamp) + int(1, 86_400) * 1000),
        Attributes: { ...record.Attributes, Survey: 'Y' },
        DisconnectReason: random() < 0.5 ? pick(REASONS) : record.DisconnectReason,
        Agent: record.Agent
          ? { ...record.Agent, AfterContactWorkDuration: record.Agent.AfterContactWorkDuration + int(1, 200) }
          : null,
      };
      distinct.push(later);
    }
    distinct.push(...chain);
  }
  distinct.push(...boundaryCases(template));

  const lines: string[] = [];
  for (const record of [...distinct, ...seedRecords()]) {
    lines.push(JSON.stringify(record));
    if (random() < 0.3) lines.push(JSON.stringify(record));
    if (random() < 0.15) lines.push(JSON.stringify(Object.fromEntries(Object.entries(record).reverse())));
  }
  for (let i = lines.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const seen = new Set(distinct.map((r) => JSON.stringify(r)));
  for (const r of seedRecords()) {
    if (seen.has(JSON.stringify(r))) continue;
    seen.add(JSON.stringify(r));
    distinct.push(r);
  }
  return { lines, distinct };
}
