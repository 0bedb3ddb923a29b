import { InvalidEventError } from './errors';

/** A CTR as a JSON object: sent as compact JSON. */
export type CtrObject = Record<string, unknown>;

/** One record to put into the stream: an object is sent as compact JSON, a string as-is, byte for byte. */
export type EmulatorRecord = string | CtrObject;

const EXPECTED = 'expected one CTR object, an array of CTR objects or strings, or {"records": [...]}';

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is CtrObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names the kind of a value for error messages, never its content (it may hold personal data). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (isJsonObject(value)) return Object.keys(value).length === 0 ? 'an empty object' : 'an object';
  return `a ${typeof value}`;
}

function checkEntries(entries: readonly unknown[], where: string): EmulatorRecord[] {
  return entries.map((entry, index) => {
    if (typeof entry === 'string' || isJsonObject(entry)) return entry;
    throw new InvalidEventError(
      `${where}[${index}] is ${describe(entry)}: each entry must be a CTR object (sent as compact JSON) or a string (sent as-is).`,
    );
  });
}

/**
 * Turns the invocation event into the list of records to send.
 * Accepts one CTR object, an array of entries, or `{"records": [...]}`; an entry is a CTR object or a raw string.
 * @throws InvalidEventError naming what was expected and what was found.
 * @example parseEvent({ records: [{ ContactId: 'c1' }, 'not json'] }) // => [{ ContactId: 'c1' }, 'not json']
 */
export function parseEvent(event: unknown): EmulatorRecord[] {
  if (Array.isArray(event)) return checkEntries(event, 'event');
  if (!isJsonObject(event)) throw new InvalidEventError(`Invalid event: got ${describe(event)}; ${EXPECTED}.`);
  // A CTR has PascalCase fields only, so a `records` key marks the wrapper shape.
  if (Object.hasOwn(event, 'records')) {
    const records = event.records;
    if (!Array.isArray(records)) {
      throw new InvalidEventError(`Invalid event: "records" is ${describe(records)}; ${EXPECTED}.`);
    }
    return checkEntries(records, 'records');
  }
  if (Object.keys(event).length === 0) {
    throw new InvalidEventError(`Invalid event: got an empty object; ${EXPECTED}.`);
  }
  return [event];
}
