import { checkTimeZone, InvalidTimeZoneError } from '../../analytics/time-zone';

import { UsageError } from './errors';

export { UsageError } from './errors';

/** `parseArgs` options of the commands that read the analytics locally (`--out DIR`) or on Athena. */
export const SOURCE_OPTIONS = {
  out: { type: 'string', short: 'o' },
  athena: { type: 'boolean', default: false },
  workgroup: { type: 'string' },
  database: { type: 'string' },
  region: { type: 'string' },
  'time-zone': { type: 'string' },
} as const;

/** Checks the Athena options go together; throws {@link UsageError}. */
export function checkSourceOptions(values: {
  athena?: boolean;
  workgroup?: string;
  database?: string;
  region?: string;
}): void {
  if (values.athena && !values.workgroup) throw new UsageError('--athena needs --workgroup W');
  if (!values.athena && (values.workgroup || values.database || values.region)) {
    throw new UsageError('--workgroup, --database and --region go with --athena');
  }
}

/** `--time-zone TZ` checked: a bad name is a usage error. */
export function timeZoneOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return checkTimeZone(value);
  } catch (err) {
    if (err instanceof InvalidTimeZoneError) throw new UsageError(`--time-zone: ${err.message}`);
    throw err;
  }
}
