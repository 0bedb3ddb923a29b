/**
 * First day a CTR can carry: the Glue table's partition projection starts here by default
 * (`lib/ctr-catalog.ts`), and Amazon Connect launched in March 2017.
 */
export const EARLIEST_CONTACT_DATE = '2017-01-01';

/** How far past today a contact's date may lie: clock skew between hosts, never a whole day of contacts. */
const FUTURE_MARGIN_MS = 24 * 60 * 60 * 1000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * Why a contact's `InitiationTimestamp` names a day no partition can hold, or undefined when the day is real.
 * Firehose partitions by its first ten characters and the table's projection lists only real days from
 * `EARLIEST_CONTACT_DATE` to now: a record outside would be delivered where no query finds it.
 */
export function impossibleContactDate(timestamp: string, nowMs: number): string | undefined {
  const match = DATE.exec(timestamp);
  if (!match) return 'InitiationTimestamp does not start with YYYY-MM-DD';
  const [day, year, month, date] = [match[0], Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = Date.UTC(year, month - 1, date);
  const parsed = new Date(utc);
  // Date.UTC rolls 2022-02-30 over to March 2: a real day reads back the same.
  if (
    month < 1 ||
    month > 12 ||
    parsed.getUTCFullYear() !== year ||
    parsed.getUTCMonth() !== month - 1 ||
    parsed.getUTCDate() !== date
  ) {
    return `InitiationTimestamp names a day that does not exist (${day})`;
  }
  if (day < EARLIEST_CONTACT_DATE)
    return `InitiationTimestamp ${day} is before ${EARLIEST_CONTACT_DATE}, earlier than any Amazon Connect contact`;
  if (utc > nowMs + FUTURE_MARGIN_MS) return `InitiationTimestamp ${day} is in the future`;
  return undefined;
}
