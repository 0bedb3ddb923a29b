import { DEFAULT_EVENT_SOURCE_SETTINGS, type EventSourceSettings } from '../../lib/definitions/event-source-settings';
import type { LocalEnvironment } from '../environment';
import { mulberry32 } from '../firehose/faults';
import type { KinesisHandler, MappingStats } from '../poller/event-source-mapping';

/** Counts of the redelivery faults. */
export interface RedeliveryStats {
  /** Batches invoked a second time after their first invocation returned. */
  redelivered: number;
}

/**
 * A handler wrapper that invokes the handler again with the same event after it returned, as the event
 * source mapping's at-least-once delivery may; the mapping sees the second response.
 */
export function deliverBatchesTwice(
  rate = 1,
  seed = 1,
): { wrap: (handler: KinesisHandler) => KinesisHandler; stats: RedeliveryStats } {
  const random = mulberry32(seed);
  const stats: RedeliveryStats = { redelivered: 0 };
  return {
    stats,
    wrap: (handler) => async (event, context) => {
      const first = await handler(event, context);
      if (random() >= rate) return first;
      stats.redelivered += 1;
      return handler(event, context);
    },
  };
}

/**
 * A second poller reading the same shards at the same time with its own checkpoints and batch boundaries,
 * as a redeployed or duplicated mapping can; pass it as the run's `alsoDrain`.
 */
export function secondPoller(
  env: LocalEnvironment,
  settings: Partial<EventSourceSettings> = { batchSize: 37 },
): (producerDone: () => boolean) => Promise<MappingStats> {
  const mapping = env.newMapping({ settings: { ...DEFAULT_EVENT_SOURCE_SETTINGS, ...settings } });
  return (producerDone) => mapping.drain(producerDone);
}

/**
 * Reads the whole stream again from the trim horizon with a fresh mapping (no checkpoints), then flushes
 * Firehose: after a complete run, nothing new may be delivered.
 */
export async function replayFromTrimHorizon(env: LocalEnvironment): Promise<MappingStats> {
  const mapping = env.newMapping({ startingPosition: 'TRIM_HORIZON' });
  const stats = await mapping.drain();
  await env.firehose.flush();
  return stats;
}
