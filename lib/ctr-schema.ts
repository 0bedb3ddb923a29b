/**
 * The CTR table's columns, defined once: the Glue table (Athena) and the local SQL engine (DuckDB)
 * both render their column types from this tree, so the two cannot drift.
 *
 * Timestamps stay strings, as delivered; views parse them.
 */

/** A column type: a primitive, or a struct, array or string-keyed map of column types. */
export type ColumnType =
  | 'string'
  | 'bigint'
  | 'int'
  | 'double'
  | 'boolean'
  | { readonly struct: readonly Field[] }
  | { readonly array: ColumnType }
  | { readonly map: ColumnType };

/** A named column or struct field. `name` is the JSON key, exactly as Amazon Connect spells it. */
export interface Field {
  readonly name: string;
  readonly type: ColumnType;
}

const f = (name: string, type: ColumnType): Field => ({ name, type });
const struct = (...fields: Field[]): ColumnType => ({ struct: fields });
const arrayOf = (type: ColumnType): ColumnType => ({ array: type });
const mapOf = (type: ColumnType): ColumnType => ({ map: type });

const arnName = (nameKey: string) => struct(f('ARN', 'string'), f(nameKey, 'string'));
const endpoint = struct(f('Address', 'string'), f('Type', 'string'));

/** Top-level CTR columns (AWS contact record data model). */
export const CTR_COLUMNS: readonly Field[] = [
  f('AWSAccountId', 'string'),
  f('AWSContactTraceRecordFormatVersion', 'string'),
  f(
    'Agent',
    struct(
      f('ARN', 'string'),
      f('AfterContactWorkDuration', 'bigint'),
      f('AfterContactWorkEndTimestamp', 'string'),
      f('AfterContactWorkStartTimestamp', 'string'),
      f('AgentInteractionDuration', 'bigint'),
      f('ConnectedToAgentTimestamp', 'string'),
      f('CustomerHoldDuration', 'bigint'),
      f(
        'HierarchyGroups',
        struct(
          f('Level1', arnName('GroupName')),
          f('Level2', arnName('GroupName')),
          f('Level3', arnName('GroupName')),
          f('Level4', arnName('GroupName')),
          f('Level5', arnName('GroupName')),
        ),
      ),
      f('LongestHoldDuration', 'bigint'),
      f('NumberOfHolds', 'bigint'),
      f('RoutingProfile', arnName('Name')),
      f('Username', 'string'),
    ),
  ),
  f('AgentConnectionAttempts', 'bigint'),
  f('AnsweringMachineDetectionStatus', 'string'),
  f('Attributes', mapOf('string')),
  f('Campaign', struct(f('CampaignId', 'string'))),
  f('Channel', 'string'),
  f('ConnectedToSystemTimestamp', 'string'),
  f('ContactId', 'string'),
  f('CustomerEndpoint', endpoint),
  f('DisconnectReason', 'string'),
  f('DisconnectTimestamp', 'string'),
  f('InitialContactId', 'string'),
  f('InitiationMethod', 'string'),
  f('InitiationTimestamp', 'string'),
  f('InstanceARN', 'string'),
  f('LastUpdateTimestamp', 'string'),
  f('MediaStreams', arrayOf(struct(f('Type', 'string')))),
  f('NextContactId', 'string'),
  f('PreviousContactId', 'string'),
  f(
    'Queue',
    struct(
      f('ARN', 'string'),
      f('DequeueTimestamp', 'string'),
      f('Duration', 'bigint'),
      f('EnqueueTimestamp', 'string'),
      f('Name', 'string'),
    ),
  ),
  f(
    'Recording',
    struct(f('DeletionReason', 'string'), f('Location', 'string'), f('Status', 'string'), f('Type', 'string')),
  ),
  f(
    'Recordings',
    arrayOf(
      struct(
        f('DeletionReason', 'string'),
        f('FragmentStartNumber', 'string'),
        f('FragmentStopNumber', 'string'),
        f('Location', 'string'),
        f('MediaStreamType', 'string'),
        f('ParticipantType', 'string'),
        f('StartTimestamp', 'string'),
        f('Status', 'string'),
        f('StopTimestamp', 'string'),
        f('StorageType', 'string'),
      ),
    ),
  ),
  f('References', arrayOf(struct(f('Name', 'string'), f('Type', 'string'), f('Value', 'string')))),
  f('ScheduledTimestamp', 'string'),
  f('SystemEndpoint', endpoint),
  f('TransferCompletedTimestamp', 'string'),
  f('TransferredToEndpoint', endpoint),
];

/** Renders a column type in Hive DDL syntax, as Glue and Athena expect (`struct<a:string>`). */
export function toGlueType(type: ColumnType): string {
  if (typeof type === 'string') return type;
  if ('struct' in type) return `struct<${type.struct.map((x) => `${x.name}:${toGlueType(x.type)}`).join(',')}>`;
  if ('array' in type) return `array<${toGlueType(type.array)}>`;
  return `map<string,${toGlueType(type.map)}>`;
}

const DUCKDB_PRIMITIVES: Record<string, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/** Renders a column type in DuckDB syntax (`STRUCT("a" VARCHAR)`), for `read_json(columns = {...})`. */
export function toDuckDbType(type: ColumnType): string {
  if (typeof type === 'string') return DUCKDB_PRIMITIVES[type];
  if ('struct' in type) return `STRUCT(${type.struct.map((x) => `"${x.name}" ${toDuckDbType(x.type)}`).join(', ')})`;
  if ('array' in type) return `${toDuckDbType(type.array)}[]`;
  return `MAP(VARCHAR, ${toDuckDbType(type.map)})`;
}
