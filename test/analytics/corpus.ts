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
// A Wednesday, a Thursday and a Sunday: the heatmap sees three ISO days.
const DAYS = ['2022-01-05', '2022-01-06', '2022-01-09'];

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The seed's samples: `duplicated_samples.json` (6 records, 3 distinct, 1 contact). */
export function seedRecords(): Ctr[] {
  return JSON.parse(readFileSync(join(SAMPLES, 'duplicated_samples.json'), 'utf8')) as Ctr[];
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
    const disconnect = kind === 'ivr' ? start + int(10, 120) * 1000 : kind === 'abandoned' ? enqueue + int(5, 300) * 1000 : connected + (talk + hold) * 1000;
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
      Attributes: random() < 0.1 ? { GreetingPlayed: 'true', greetingPlayed: 'false', Seq: String(i) } : { Seq: String(i) },
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
    distinct.push(record);
    if (random() < 0.35) {
      // A later version: after-contact work finished, a survey attribute, sometimes a different reason.
      const later: Ctr = {
        ...record,
        LastUpdateTimestamp: iso(Date.parse(record.LastUpdateTimestamp) + int(1, 86_400) * 1000),
        Attributes: { ...record.Attributes, Survey: 'Y' },
        DisconnectReason: random() < 0.5 ? pick(REASONS) : record.DisconnectReason,
        Agent: record.Agent ? { ...record.Agent, AfterContactWorkDuration: record.Agent.AfterContactWorkDuration + int(1, 200) } : null,
      };
      distinct.push(later);
    }
  }

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
  for (const r of seedRecords()) if (!seen.has(JSON.stringify(r))) (seen.add(JSON.stringify(r)), distinct.push(r));
  return { lines, distinct };
}
