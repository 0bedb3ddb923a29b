import { NamedError } from '../../lambda-common/named-error';

/**
 * Firehose's dynamic partitioning, played locally from the same definition the stack deploys
 * (`DELIVERY_LAYOUT`): the jq query that yields the partition key and the S3 prefix placeholders.
 *
 * Hand-written because no jq evaluator on npm installs offline without native binaries or WASM blobs;
 * it understands only the path-and-slice subset of jq 1.6 (`.A.B[0:10]`) and refuses anything else,
 * so a change of the query in `DELIVERY_LAYOUT` fails loudly instead of drifting. A test compares it
 * with Debian's real jq 1.6.
 */

/** A jq path expression: object keys followed by an optional `[from:to]` slice. */
export interface JqPathQuery {
  readonly keys: readonly string[];
  readonly slice?: { readonly from: number | null; readonly to: number | null };
}

/** Base class of partitioning errors. */
export class PartitioningError extends NamedError {}

/** The query uses jq syntax outside the supported subset. */
export class UnsupportedJqQueryError extends PartitioningError {}

/** jq failed on a record (jq exits with an error), as Firehose's metadata extraction would. */
export class JqEvaluationError extends PartitioningError {}

/** The query ran but gave no usable partition key (null, object or array), which Firehose rejects. */
export class MissingPartitionKeyError extends PartitioningError {}

const QUERY_PATTERN = /^((?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?:\[(-?\d+)?:(-?\d+)?\])?$/;

/** Parses a jq path-and-slice query such as `.InitiationTimestamp[0:10]`. */
export function parseJqPathQuery(query: string): JqPathQuery {
  const match = QUERY_PATTERN.exec(query.trim());
  if (!match) throw new UnsupportedJqQueryError(`unsupported jq query: ${query}`);
  const keys = match[1].split('.').slice(1);
  const hasSlice = query.includes('[');
  if (!hasSlice) return { keys };
  const bound = (text: string | undefined) => (text === undefined ? null : Number(text));
  return { keys, slice: { from: bound(match[2]), to: bound(match[3]) } };
}

const jqTypeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value;

/** jq 1.6 slice bounds: negative counts from the end, then clamped to [0, length]. */
function sliceBounds(length: number, from: number | null, to: number | null): [number, number] {
  const resolve = (n: number | null, dflt: number) => {
    if (n === null) return dflt;
    const m = n < 0 ? length + n : n;
    return Math.min(Math.max(m, 0), length);
  };
  const start = resolve(from, 0);
  const end = Math.max(resolve(to, length), start);
  return [start, end];
}

/** Evaluates a parsed query on a JSON value with jq 1.6 semantics; throws JqEvaluationError where jq errors. */
export function evaluateJqPathQuery(query: JqPathQuery, input: unknown): unknown {
  let value = input;
  for (const key of query.keys) {
    if (value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new JqEvaluationError(`Cannot index ${jqTypeName(value)} with "${key}"`);
    }
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : null;
  }
  if (!query.slice || value === null) return value;
  if (typeof value === 'string') {
    // jq slices strings by code points, not UTF-16 units.
    const points = Array.from(value);
    const [start, end] = sliceBounds(points.length, query.slice.from, query.slice.to);
    return points.slice(start, end).join('');
  }
  if (Array.isArray(value)) {
    const [start, end] = sliceBounds(value.length, query.slice.from, query.slice.to);
    return value.slice(start, end);
  }
  throw new JqEvaluationError(`Cannot index ${jqTypeName(value)} with object`);
}

/** Renders a jq result as Firehose uses it in a prefix; null, objects and arrays are no partition key. */
export function partitionKeyValue(result: unknown): string {
  if (typeof result === 'string') return result;
  if (typeof result === 'number' || typeof result === 'boolean') return String(result);
  throw new MissingPartitionKeyError(`partition query gave ${jqTypeName(result)}`);
}

/** Values for the `!{...}` placeholders of a Firehose S3 prefix. */
export interface PrefixValues {
  /** `!{partitionKeyFromQuery:NAME}` values. */
  readonly partitionKeys?: Readonly<Record<string, string>>;
  /** `!{firehose:error-output-type}`. */
  readonly errorOutputType?: string;
  /** Time for `!{timestamp:...}` (UTC, as Firehose). */
  readonly timestamp: Date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Formats a date with the Java DateTimeFormatter letters Firehose prefixes use (yyyy MM dd HH mm ss), in UTC. */
export function formatFirehoseTimestamp(pattern: string, date: Date): string {
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => {
    switch (token) {
      case 'yyyy':
        return pad(date.getUTCFullYear(), 4);
      case 'MM':
        return pad(date.getUTCMonth() + 1);
      case 'dd':
        return pad(date.getUTCDate());
      case 'HH':
        return pad(date.getUTCHours());
      case 'mm':
        return pad(date.getUTCMinutes());
      default:
        return pad(date.getUTCSeconds());
    }
  });
}

/** Fills the `!{namespace:value}` placeholders of a Firehose S3 prefix; throws on one it cannot fill. */
export function renderFirehosePrefix(prefix: string, values: PrefixValues): string {
  return prefix.replace(/!\{([^:}]+):([^}]+)\}/g, (_whole, namespace: string, arg: string) => {
    if (namespace === 'partitionKeyFromQuery') {
      const value = values.partitionKeys?.[arg];
      if (value === undefined) throw new MissingPartitionKeyError(`no partition key ${arg}`);
      return value;
    }
    if (namespace === 'timestamp') return formatFirehoseTimestamp(arg, values.timestamp);
    if (namespace === 'firehose' && arg === 'error-output-type' && values.errorOutputType)
      return values.errorOutputType;
    throw new PartitioningError(`unsupported prefix placeholder !{${namespace}:${arg}}`);
  });
}
