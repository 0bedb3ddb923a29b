import type { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { EmulatorConfig } from './config';
import { RecordsNotSentError } from './errors';
import { parseEvent } from './parseEvent';
import { type FailedRecord, type SendOptions, type SendResult, sendRecords } from './sendRecords';

/** What the emulator handler needs: its Kinesis client, configuration and logger. */
export interface EmulatorDependencies {
  readonly kinesis: KinesisClient;
  readonly config: EmulatorConfig;
  readonly logger: Logger;
  /** Resend tuning, mainly for tests (e.g. a `sleep` that does not wait). @default the defaults of sendRecords */
  readonly sendOptions?: Omit<SendOptions, 'logger'>;
}

// Indexes named in an error message or a log line; the full list is on the error's `result`.
const LISTED_FAILURES = 20;

/** Short "index code" list of failures: no payload, no error message (it could echo input). */
function listFailures(failed: readonly FailedRecord[]): string {
  const listed = failed.slice(0, LISTED_FAILURES).map((f) => `#${f.index} ${f.errorCode}`);
  const more = failed.length > LISTED_FAILURES ? `, and ${failed.length - LISTED_FAILURES} more` : '';
  return listed.join(', ') + more;
}

/** Builds the Lambda handler around injected dependencies (index.ts injects the real ones). */
export function createEmulatorHandler(deps: EmulatorDependencies) {
  return async (event: unknown): Promise<SendResult> => {
    const records = parseEvent(event);
    const result = await sendRecords(deps.kinesis, deps.config.streamName, records, {
      ...deps.sendOptions,
      logger: deps.logger,
    });
    deps.logger.info('Records put into the stream', {
      received: records.length,
      sent: result.sent,
      failed: result.failed.length,
    });
    if (result.failed.length > 0) {
      deps.logger.error('Records not sent', {
        failures: result.failed.slice(0, LISTED_FAILURES).map(({ index, errorCode }) => ({ index, errorCode })),
      });
      throw new RecordsNotSentError(
        `${result.failed.length} of ${records.length} records not sent (${result.sent} sent): ${listFailures(result.failed)}`,
        result,
      );
    }
    return result;
  };
}
