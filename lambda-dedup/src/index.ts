// Placeholder until the dedup handler lands; keeps the stack bundling.
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
export const handler = async (_event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => ({ batchItemFailures: [] });
