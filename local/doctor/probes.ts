import { randomUUID } from 'node:crypto';
import { DOCTOR_PROBE_ATTRIBUTE, DOCTOR_PROBE_CONTACT_PREFIX } from '../../analytics/doctor-probe';

/** What one doctor run sends through the pipeline. */
export interface ProbeBatch {
  /** The run id, the value of every probe's `ctrDoctorProbe` attribute. */
  readonly runId: string;
  /** Distinct probe CTRs, each with a fresh ContactId (`ctr-doctor-<uuid>`): each must be delivered exactly once. */
  readonly records: ReadonlyArray<Record<string, unknown>>;
  /** One record that is not JSON: it must be quarantined, never delivered. It carries the run id. */
  readonly malformed: string;
  /** The emulator's payload: every record, then an exact copy of each, then the malformed one. */
  readonly payload: { readonly records: ReadonlyArray<Record<string, unknown> | string> };
}

/** ISO-8601 with whole seconds, as Connect writes CTR timestamps. */
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * Builds the synthetic contacts of one doctor run: `count` short API-initiated contacts dated `now` (so they
 * land in today's partition). Their ContactId starts with `ctr-doctor-`, by which every view and named query
 * excludes them, and their `ctrDoctorProbe` attribute holds the run id, by which the doctor finds them. No agent,
 * queue, endpoint or recording: no personal data, nothing that looks like a real call.
 */
export function probeBatch(options: { runId?: string; now?: Date; count?: number } = {}): ProbeBatch {
  const runId = options.runId ?? `doctor-${randomUUID()}`;
  const start = (options.now ?? new Date()).getTime();
  const records = Array.from({ length: options.count ?? 3 }, (_, i) => {
    const contactId = `${DOCTOR_PROBE_CONTACT_PREFIX}${randomUUID()}`;
    return {
      AWSContactTraceRecordFormatVersion: '2017-03-10',
      Agent: null,
      Attributes: { [DOCTOR_PROBE_ATTRIBUTE]: runId },
      Channel: 'VOICE',
      ConnectedToSystemTimestamp: iso(start),
      ContactId: contactId,
      CustomerEndpoint: null,
      DisconnectReason: 'CONTACT_FLOW_DISCONNECT',
      DisconnectTimestamp: iso(start + 1000),
      InitialContactId: contactId,
      InitiationMethod: 'API',
      InitiationTimestamp: iso(start),
      LastUpdateTimestamp: iso(start + 2000 + i * 1000),
      NextContactId: null,
      PreviousContactId: null,
      Queue: null,
      Recording: null,
      Recordings: null,
      SystemEndpoint: null,
    };
  });
  const malformed = `ctr doctor malformed probe ${runId} (not JSON: must be quarantined)`;
  return {
    runId,
    records,
    malformed,
    payload: { records: [...records, ...records.map((r) => ({ ...r })), malformed] },
  };
}

/** True for a delivered CTR that belongs to the doctor run `runId`. */
export function isProbeOf(record: unknown, runId: string): boolean {
  const attributes = (record as { Attributes?: Record<string, unknown> } | null)?.Attributes;
  return attributes?.[DOCTOR_PROBE_ATTRIBUTE] === runId;
}
