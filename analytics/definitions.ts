import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ColumnType, CTR_COLUMNS, type Field } from '../lib/definitions/ctr-schema';
import { DELIVERY_LAYOUT } from '../lib/definitions/delivery-layout';
import { UnknownQueryError } from './errors';
import { readSqlFile, type SqlDefinition } from './sql-file';

/** The raw table the views read: one row per delivered CTR version (the Glue table; a DuckDB view locally). */
export const RAW_TABLE_NAME = 'contact_trace_records';

/** A view: its SQL and the columns it yields (a Glue view must declare them; tests check them against DuckDB). */
export interface ViewDefinition extends SqlDefinition {
  readonly columns: readonly Field[];
}

const col = (name: string, type: ColumnType): Field => ({ name, type });

/** Columns of `ctr_typed`, in SELECT order. */
export const CTR_TYPED_COLUMNS: readonly Field[] = [
  col('contact_id', 'string'),
  col('initial_contact_id', 'string'),
  col('previous_contact_id', 'string'),
  col('next_contact_id', 'string'),
  col('channel', 'string'),
  col('initiation_method', 'string'),
  col(DELIVERY_LAYOUT.partitionColumn, 'string'),
  col('contact_date', 'date'),
  col('initiation_ts', 'timestamp'),
  col('connected_to_system_ts', 'timestamp'),
  col('disconnect_ts', 'timestamp'),
  col('last_update_ts', 'timestamp'),
  col('queue_name', 'string'),
  col('enqueue_ts', 'timestamp'),
  col('dequeue_ts', 'timestamp'),
  col('queue_seconds', 'bigint'),
  col('agent_username', 'string'),
  col('routing_profile', 'string'),
  col('connected_to_agent_ts', 'timestamp'),
  col('agent_interaction_seconds', 'bigint'),
  col('customer_hold_seconds', 'bigint'),
  col('after_contact_work_seconds', 'bigint'),
  col('number_of_holds', 'bigint'),
  col('longest_hold_seconds', 'bigint'),
  col('handle_seconds', 'bigint'),
  col('answer_seconds', 'bigint'),
  col('contact_seconds', 'bigint'),
  col('disconnect_reason', 'string'),
  col('answered', 'boolean'),
  col('abandoned', 'boolean'),
  col('transferred', 'boolean'),
  col('transfer_completed_ts', 'timestamp'),
  col('transferred_to_type', 'string'),
  col('initiation_local_ts', 'timestamp'),
  col('customer_address', 'string'),
  col('agent_group_level1', 'string'),
  col('agent_group_level2', 'string'),
];

const VIEWS_DIR = join(__dirname, 'views');
const QUERIES_DIR = join(__dirname, 'queries');

const view = (name: string, columns: readonly Field[]): ViewDefinition => ({
  ...readSqlFile(join(VIEWS_DIR, `${name}.sql`)),
  columns,
});

/** The views, in creation order (each reads only the raw table or views before it). */
export const VIEWS: readonly ViewDefinition[] = [
  view('ctr_latest', [...CTR_COLUMNS, col(DELIVERY_LAYOUT.partitionColumn, 'string')]),
  view('ctr_typed', CTR_TYPED_COLUMNS),
];

/** The named queries, one per `analytics/queries/*.sql` file, by name. */
export const NAMED_QUERIES: readonly SqlDefinition[] = readdirSync(QUERIES_DIR)
  .filter((file) => file.endsWith('.sql'))
  .sort()
  .map((file) => readSqlFile(join(QUERIES_DIR, file)));

/** The named query `name`; throws {@link UnknownQueryError} listing the known names. */
export function namedQuery(name: string): SqlDefinition {
  const found = NAMED_QUERIES.find((q) => q.name === name);
  if (!found)
    throw new UnknownQueryError(
      name,
      NAMED_QUERIES.map((q) => q.name),
    );
  return found;
}
