import { AnalyticsError } from './errors';
import type { SqlDefinition } from './sql-file';

/** The time zone the analytics count days, hours and intervals in when none is given. */
export const DEFAULT_TIME_ZONE = 'UTC';

/**
 * What the `.sql` files write where the contact center's time zone goes (inside a string literal, so every
 * file still parses as plain SQL). It is replaced when the stack is synthesized and when a query runs locally.
 */
export const TIME_ZONE_PLACEHOLDER = '{{time_zone}}';

/** The name is not an IANA time zone (such as `Asia/Seoul` or `America/New_York`). */
export class InvalidTimeZoneError extends AnalyticsError {
  constructor(readonly timeZone: string) {
    super(`"${timeZone}" is not an IANA time zone name: use one such as "UTC", "Asia/Seoul" or "America/New_York"`);
  }
}

// Only what IANA names are made of: the name is put into SQL text, so nothing else may get through.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * Checks an IANA time zone name and returns its canonical spelling (`utc` -> `UTC`), which both Athena
 * (Trino) and DuckDB's ICU extension know; throws {@link InvalidTimeZoneError} otherwise.
 */
export function checkTimeZone(timeZone: string): string {
  if (!ZONE_NAME.test(timeZone)) throw new InvalidTimeZoneError(timeZone);
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new InvalidTimeZoneError(timeZone);
  }
}

/** A view or named query with the contact center's time zone written into its SQL. */
export function withTimeZone<T extends SqlDefinition>(definition: T, timeZone: string): T {
  const zone = checkTimeZone(timeZone);
  return { ...definition, sql: definition.sql.split(TIME_ZONE_PLACEHOLDER).join(zone) };
}
