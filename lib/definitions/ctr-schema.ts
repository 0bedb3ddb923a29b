import { NamedError } from '../../lambda-common/named-error';

/**
 * The CTR table's columns, defined once: the Glue table (Athena) and the local SQL engine (DuckDB)
 * both render their column types from this tree, so the two cannot drift.
 *
 * Timestamps stay strings, as delivered; views parse them.
 */

/** A column type: a primitive (`date` and `timestamp` for views only), or a struct, array or string-keyed map of column types. */
export type ColumnType =
  | 'string'
  | 'bigint'
  | 'int'
  | 'double'
  | 'boolean'
  | 'date'
  | 'timestamp'
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
const audioQuality = struct(
  f('Audio', struct(f('QualityScore', 'double'), f('PotentialQualityIssues', arrayOf('string')))),
);

/**
 * Top-level CTR columns: the fields of AWS's contact record data model that users query.
 * Nested objects are structs, `Attributes` and `Tags` are maps, timestamps are ISO-8601 strings.
 */
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
      f('AgentPauseDuration', 'bigint'),
      f('ConnectedToAgentTimestamp', 'string'),
      f('CustomerHoldDuration', 'bigint'),
      f(
        'DeviceInfo',
        struct(f('OperatingSystem', 'string'), f('PlatformName', 'string'), f('PlatformVersion', 'string')),
      ),
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
  f('CustomerVoiceActivity', struct(f('GreetingEndTimestamp', 'string'), f('GreetingStartTimestamp', 'string'))),
  f('DisconnectDetails', struct(f('PotentialDisconnectIssue', 'string'))),
  f('DisconnectReason', 'string'),
  f('DisconnectTimestamp', 'string'),
  f('InitialContactId', 'string'),
  f('InitiationMethod', 'string'),
  f('InitiationTimestamp', 'string'),
  f('InstanceARN', 'string'),
  f('LastPausedTimestamp', 'string'),
  f('LastResumedTimestamp', 'string'),
  f('LastUpdateTimestamp', 'string'),
  f('MediaStreams', arrayOf(struct(f('Type', 'string')))),
  f('NextContactId', 'string'),
  f('PreviousContactId', 'string'),
  f('QualityMetrics', struct(f('Agent', audioQuality), f('Customer', audioQuality))),
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
  f(
    'References',
    arrayOf(struct(f('Name', 'string'), f('Status', 'string'), f('Type', 'string'), f('Value', 'string'))),
  ),
  f('RelatedContactId', 'string'),
  f('ScheduledTimestamp', 'string'),
  f('SystemEndpoint', endpoint),
  f('Tags', mapOf('string')),
  f('TotalPauseCount', 'bigint'),
  f('TotalPauseDurationInSeconds', 'bigint'),
  f('TransferCompletedTimestamp', 'string'),
  f('TransferredToEndpoint', endpoint),
];

/** Two schema fields share a lowercase name but differ in spelling: one SerDe mapping cannot serve both. */
export class SchemaMappingConflictError extends NamedError {
  constructor(
    readonly lowercaseName: string,
    readonly spellings: readonly string[],
  ) {
    super(`fields ${spellings.join(', ')} share the lowercase name "${lowercaseName}"`);
  }
}

/**
 * `mapping.<lowercase name>` = `<JSON key>` for every field name of the tree that is not all lowercase,
 * at every depth. The OpenX JSON SerDe applies one mapping table to all struct levels, so a lowercase
 * name must have a single spelling across the schema (checked: throws {@link SchemaMappingConflictError}).
 */
export function serdeKeyMappings(columns: readonly Field[] = CTR_COLUMNS): Record<string, string> {
  const spellings = new Map<string, Set<string>>();
  const visit = (fields: readonly Field[]) => {
    for (const field of fields) {
      const lower = field.name.toLowerCase();
      if (!spellings.has(lower)) spellings.set(lower, new Set());
      spellings.get(lower)!.add(field.name);
      let type = field.type;
      while (typeof type !== 'string' && !('struct' in type)) type = 'array' in type ? type.array : type.map;
      if (typeof type !== 'string') visit(type.struct);
    }
  };
  visit(columns);
  const mappings: Record<string, string> = {};
  for (const [lower, names] of [...spellings].sort(([a], [b]) => a.localeCompare(b))) {
    if (names.size > 1) throw new SchemaMappingConflictError(lower, [...names]);
    const [name] = names;
    if (name !== lower) mappings[`mapping.${lower}`] = name;
  }
  return mappings;
}

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
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/** Renders a column type in DuckDB syntax (`STRUCT("a" VARCHAR)`), for `read_json(columns = {...})`. */
export function toDuckDbType(type: ColumnType): string {
  if (typeof type === 'string') return DUCKDB_PRIMITIVES[type];
  if ('struct' in type) return `STRUCT(${type.struct.map((x) => `"${x.name}" ${toDuckDbType(x.type)}`).join(', ')})`;
  if ('array' in type) return `${toDuckDbType(type.array)}[]`;
  return `MAP(VARCHAR, ${toDuckDbType(type.map)})`;
}

const PRESTO_PRIMITIVES: Record<string, string> = {
  string: 'varchar',
  bigint: 'bigint',
  int: 'integer',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  // Athena's engine gives timestamps millisecond precision: CAST(x AS timestamp) is timestamp(3).
  timestamp: 'timestamp(3)',
};

/**
 * Renders a column type as Athena's engine (Trino) names it (`row(a varchar)`), lowercase field names
 * as the Glue catalog stores them: the column types of a Presto view definition.
 */
export function toPrestoType(type: ColumnType): string {
  if (typeof type === 'string') return PRESTO_PRIMITIVES[type];
  if ('struct' in type)
    return `row(${type.struct.map((x) => `${x.name.toLowerCase()} ${toPrestoType(x.type)}`).join(', ')})`;
  if ('array' in type) return `array(${toPrestoType(type.array)})`;
  return `map(varchar, ${toPrestoType(type.map)})`;
}
