/**
 * `npm run bench:lake`: bytes read and query time per named query, the same corpus laid out as the GZIP JSON
 * lake (before) and as the Parquet lake (now). Prints a Markdown table for docs/parquet.md.
 *
 * Bytes read, as Athena bills them (compressed bytes scanned; no named query filters on dt, so every object
 * of the table is read):
 * - GZIP JSON: every object, whole (a JSON SerDe parses every line in full, whatever the query needs);
 * - Parquet: the column chunks of the columns the query's scan projects (DuckDB's plan, `EXPLAIN`), summed
 *   from `parquet_metadata`, plus each file's footer and header.
 *
 * Environment: LAKE_CTRS (default 100000) records at least; LAKE_TIME (default
 * `daily_contact_volume,dedup_audit`, or `all`) the queries timed on both lakes, each LAKE_RUNS (default 2) times
 * (the fastest is shown, with the process CPU time of that run; a JSON query over 100,000 CTRs takes minutes on a
 * loaded machine).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { NAMED_QUERIES, namedQuery, VIEWS } from '../analytics/definitions';
import { DOCTOR_PROBE_ATTRIBUTE, NOT_A_DOCTOR_PROBE } from '../analytics/doctor-probe';
import { withTimeZone } from '../analytics/time-zone';
import { CTR_COLUMNS } from '../lib/definitions/ctr-schema';
import { DELIVERY_LAYOUT } from '../lib/definitions/delivery-layout';
import { writeLakeDir } from '../local/firehose/lake-files';
import { duckDbColumns } from '../local/firehose/parquet-conversion';
import { LocalAnalytics, type QueryResult } from '../local/sql/local-analytics';
import { generateAnalyticsCorpus } from '../test/analytics/corpus';

const TARGET = Number(process.env.LAKE_CTRS ?? 100_000);
/**
 * `LAKE_CORPUS=v1` (the corpus of the first figures): recording locations end in 15 random hex digits and the
 * agent hierarchy keeps the test corpus's short ARNs. Default (`v2`): both as in samples/case1.json.
 */
const REALISTIC_CORPUS = (process.env.LAKE_CORPUS ?? 'v2') !== 'v1';
const RUNS = Number(process.env.LAKE_RUNS ?? 2);
/** Queries to time (each runs on both lakes); bytes are computed for every query. */
const TIMED = (process.env.LAKE_TIME ?? 'daily_contact_volume,dedup_audit').split(',');

/** The lake's former reader: GZIP JSON lines through explicit columns, keys matched exactly. */
const jsonTableSql = (root: string, name: string) =>
  `CREATE VIEW ${name} AS SELECT * FROM read_json('${root}/${DELIVERY_LAYOUT.dataRoot}${DELIVERY_LAYOUT.partitionColumn}=*/*.gz',
    columns = ${duckDbColumns()}, format = 'newline_delimited', compression = 'gzip', hive_partitioning = true,
    hive_types = {'${DELIVERY_LAYOUT.partitionColumn}': 'VARCHAR'})`;

/** The probe filter before this round: on the Attributes map, which made every query read the whole map. */
const formerProbeFilter = (sql: string) =>
  sql.split(NOT_A_DOCTOR_PROBE).join(`element_at(Attributes, '${DOCTOR_PROBE_ATTRIBUTE}') IS NULL`);

/** The full-row tie-break of ctr_latest's ORDER BY (the deployed view). */
const FULL_ROW_TIE_BREAK = /,\s*json_format\(CAST\(ROW\([\s\S]*?\) AS JSON\)\) DESC/;

/** ctr_latest with another tie-break after LastUpdateTimestamp (`''`: none, which is not deterministic). */
const latestWith = (tieBreak: string) => {
  const sql = VIEWS.find((v) => v.name === 'ctr_latest')!.sql;
  if (!FULL_ROW_TIE_BREAK.test(sql)) throw new Error("ctr_latest's tie-break changed: update bench/lake.ts");
  return sql.replace(FULL_ROW_TIE_BREAK, tieBreak);
};

/**
 * The analytics corpus copies one sample's fields into every CTR, which GZIP compresses about 25 times: far
 * more than real CTRs allow. Each record gets the per-contact values a real one carries, derived from its own
 * fields (so every version of a contact gets the same ones and no query's answer changes): a caller token (64
 * hex characters, as the pseudonymizer writes), a recording location, agent and queue ARNs per agent and
 * queue, and three contact attributes.
 */
type Fields = Record<string, unknown>;

function withRealisticValues(record: Fields): Fields {
  const id = String(record.ContactId);
  const h = (salt: string) => createHash('sha256').update(`${salt}:${id}`).digest('hex');
  const instance = 'arn:aws:connect:eu-west-1:123456789012:instance/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
  const caller = createHash('sha256')
    .update(`caller:${parseInt(h('c').slice(0, 6), 16) % 40_000}`)
    .digest('hex');
  const out: Record<string, unknown> = { ...record, CustomerEndpoint: { Address: caller, Type: 'TELEPHONE_NUMBER' } };
  out.Attributes = {
    ...((record.Attributes as Fields | undefined) ?? {}),
    CallReason: ['billing', 'support', 'sales', 'cancel'][parseInt(h('r')[0], 16) % 4],
    AccountNumber: String(parseInt(h('a').slice(0, 10), 16)).slice(0, 10),
    SessionId: h('s').slice(0, 32),
  };
  const arnOf = (kind: string, name: unknown) =>
    `${instance}/${kind}/${createHash('sha256').update(String(name)).digest('hex').slice(0, 36)}`;
  const agent = record.Agent as Fields | null;
  if (record.Recording && REALISTIC_CORPUS) {
    // As Connect names recordings (see samples/case1.json): the contact id and the minute the agent connected,
    // in Recording and again in Recordings.
    const at = String(agent?.ConnectedToAgentTimestamp ?? record.InitiationTimestamp);
    const location = `amazon-connect-b278e465e71c/connect/ccdemo/CallRecordings/${at.slice(0, 10).replace(/-/g, '/')}/${id}_${at.slice(0, 16).replace(/-/g, '')}_UTC.wav`;
    out.Recording = { ...(record.Recording as Fields), Location: location };
    out.Recordings = ((record.Recordings as Fields[] | null) ?? []).map((r) => ({ ...r, Location: location }));
  } else if (record.Recording)
    out.Recording = {
      ...(record.Recording as Fields),
      Location: `connect-recordings/connect/ccdemo/CallRecordings/${String(record.InitiationTimestamp).slice(0, 10).replace(/-/g, '/')}/${id}_${h('t').slice(0, 15)}.wav`,
    };
  if (agent) {
    out.Agent = { ...agent, ARN: arnOf('agent', agent.Username) };
    const groups = agent.HierarchyGroups as Record<string, Fields | null> | null;
    if (groups && REALISTIC_CORPUS)
      // Full group ARNs and the empty levels, as in samples/case1.json (the test corpus shortens them).
      (out.Agent as Fields).HierarchyGroups = {
        ...Object.fromEntries(
          Object.entries(groups).map(([level, g]) => [level, g && { ...g, ARN: arnOf('agent-group', g.GroupName) }]),
        ),
        Level3: null,
        Level4: null,
        Level5: null,
      };
  }
  if (record.Queue) out.Queue = { ...(record.Queue as Fields), ARN: arnOf('queue', (record.Queue as Fields).Name) };
  return out;
}

async function corpusLines(): Promise<string[]> {
  let contacts = Math.ceil(TARGET / 1.3);
  for (;;) {
    const { distinct } = generateAnalyticsCorpus(contacts);
    if (distinct.length >= TARGET) return distinct.map((r) => JSON.stringify(withRealisticValues(r)));
    contacts = Math.ceil(contacts * 1.1);
  }
}

async function writeJsonLake(root: string, lines: readonly string[]): Promise<number> {
  const byDay = new Map<string, string[]>();
  for (const line of lines) {
    const day = String(JSON.parse(line).InitiationTimestamp).slice(0, 10);
    const list = byDay.get(day) ?? [];
    list.push(line);
    byDay.set(day, list);
  }
  let bytes = 0;
  for (const [day, list] of byDay) {
    const dir = join(root, DELIVERY_LAYOUT.dataRoot, `${DELIVERY_LAYOUT.partitionColumn}=${day}`);
    await mkdir(dir, { recursive: true });
    const body = gzipSync(list.map((l) => `${l}\n`).join(''));
    await writeFile(join(dir, 'part-0.gz'), body);
    bytes += body.length;
  }
  return bytes;
}

/** Compressed bytes per top-level column over all Parquet files, and the bytes outside column chunks (footers). */
interface ColumnBytes {
  readonly byColumn: Map<string, number>;
  readonly overhead: number;
}

async function withDuckDb<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function parquetColumnBytes(root: string, files: readonly string[]): Promise<ColumnBytes> {
  return withDuckDb(async (connection) => {
    const list = files.map((f) => `'${join(root, f)}'`).join(', ');
    const rows = (
      await connection.runAndReadAll(`SELECT path_in_schema, total_compressed_size FROM parquet_metadata([${list}])`)
    ).getRowObjects();
    const byColumn = new Map<string, number>();
    let chunks = 0;
    for (const row of rows) {
      const top = String(row.path_in_schema)
        .split(/[,.]\s*/)[0]
        .trim();
      const size = Number(row.total_compressed_size);
      byColumn.set(top, (byColumn.get(top) ?? 0) + size);
      chunks += size;
    }
    let total = 0;
    for (const f of files) total += (await stat(join(root, f))).size;
    return { byColumn, overhead: total - chunks };
  });
}

/**
 * A what-if lake from the same Parquet objects: each object rewritten with another page codec and, with
 * `digest`, one more column, `ContentDigest`: a 32-bit hash of the whole row, standing for a digest of the
 * record that the pipeline would deliver (what such a column costs: 4 bytes of entropy a row).
 */
async function rewriteLake(
  fromRoot: string,
  files: readonly string[],
  toRoot: string,
  options: { readonly codec: string; readonly digest?: boolean },
): Promise<void> {
  await withDuckDb(async (connection) => {
    for (const f of files) {
      await mkdir(dirname(join(toRoot, f)), { recursive: true });
      const columns = options.digest
        ? 'p.*, CAST(CAST(hash(p) % 4294967296 AS BIGINT) - 2147483648 AS INTEGER) AS ContentDigest'
        : 'p.*';
      await connection.run(
        `COPY (SELECT ${columns} FROM read_parquet('${join(fromRoot, f)}') AS p)
         TO '${join(toRoot, f)}' (FORMAT parquet, COMPRESSION ${options.codec})`,
      );
    }
  });
}

/**
 * The file columns DuckDB's Parquet scan reads for a query: its plan's READ_PARQUET projections and the columns
 * of the filters pushed into the scan (a column used only in a WHERE appears there, not among the projections).
 * The partition column is left out: it comes from the object key, not the file.
 */
async function scannedColumns(analytics: LocalAnalytics, sql: string): Promise<string[]> {
  const { rows } = await analytics.query(`EXPLAIN (FORMAT JSON) ${sql}`);
  const out = new Set<string>();
  const known = [...CTR_COLUMNS.map((c) => c.name), 'ContentDigest'];
  type Node = {
    name?: string;
    extra_info?: { Projections?: string[] | string; Filters?: string[] | string };
    children?: Node[];
  };
  const walk = (node: Node) => {
    if (node.name === 'READ_PARQUET') {
      for (const p of [node.extra_info?.Projections ?? []].flat()) out.add(p);
      const filters = [node.extra_info?.Filters ?? []].flat().join(' ');
      for (const name of known) if (new RegExp(`\\b${name}\\b`).test(filters)) out.add(name);
    }
    for (const child of node.children ?? []) walk(child);
  };
  for (const row of rows) for (const node of JSON.parse(String(row.explain_value))) walk(node);
  out.delete(DELIVERY_LAYOUT.partitionColumn);
  return [...out];
}

async function timed(
  analytics: LocalAnalytics,
  sql: string,
): Promise<{ ms: number; cpuMs: number; result: QueryResult }> {
  let best = { ms: Infinity, cpuMs: 0, result: { columns: [], rows: [] } as QueryResult };
  for (let i = 0; i < RUNS; i += 1) {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const result = await analytics.query(sql);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.cpuUsage(cpu);
    if (ms < best.ms) best = { ms, cpuMs: (used.user + used.system) / 1000, result };
  }
  return best;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

/** The columns `daily_contact_volume` needs at the least (besides dt, which is in the object key). */
const VOLUME_COLUMNS = ['ContactId', 'LastUpdateTimestamp', 'InitiationTimestamp', 'Channel', 'InitiationMethod'];

/**
 * A lower bound, in bytes, for any columnar file holding the columns `daily_contact_volume` needs: 15 bytes per
 * distinct ContactId (the corpus's ids carry 30 random hex digits; a real UUID v4 has 122 random bits), plus,
 * for the other columns, each file's empirical entropy of the column's values times its rows (a column coded on
 * its own cannot do better; the bound even leaves out the cost of the dictionary of distinct values).
 */
async function volumeLowerBound(root: string, files: readonly string[]): Promise<number> {
  return withDuckDb(async (connection) => {
    let bits = 0;
    for (const f of files) {
      const [row] = (
        await connection.runAndReadAll(
          `SELECT count(DISTINCT ContactId) * 120 AS ids, count(*) * (${VOLUME_COLUMNS.slice(1)
            .map((c) => `entropy(${c})`)
            .join(' + ')}) AS rest FROM read_parquet('${join(root, f)}')`,
        )
      ).getRowObjects();
      bits += Number(row.ids) + Number(row.rest);
    }
    return bits / 8;
  });
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'bench-lake-'));
  const analytics: LocalAnalytics[] = [];
  try {
    const lines = await corpusLines();
    const rawBytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    const root = (name: string) => join(work, name);
    const jsonBytes = await writeJsonLake(root('json'), lines);
    const cpu = process.cpuUsage();
    const started = Date.now();
    const { parquet: files } = await writeLakeDir(root('parquet'), lines);
    const conversion = process.cpuUsage(cpu);
    const convertMs = Date.now() - started;
    await rewriteLake(root('parquet'), files, root('snappy'), { codec: 'snappy' });
    await rewriteLake(root('parquet'), files, root('zstd'), { codec: 'zstd' });
    await rewriteLake(root('parquet'), files, root('digest'), { codec: codec(), digest: true });
    const bytes: Record<string, ColumnBytes> = {};
    for (const lake of ['parquet', 'snappy', 'zstd', 'digest'])
      bytes[lake] = await parquetColumnBytes(root(lake), files);
    const bytesOf = (lake: string, columns: readonly string[]) =>
      columns.reduce((n, c) => n + (bytes[lake].byColumn.get(c) ?? 0), bytes[lake].overhead);
    const lakeBytes = (lake: string) => bytesOf(lake, [...bytes[lake].byColumn.keys()]);

    const open = async (lake: string, options: { tieBreak?: string; json?: boolean } = {}) => {
      const opened = await LocalAnalytics.open(root(lake), options.json ? { tableSql: jsonTableSql } : {});
      analytics.push(opened);
      if (options.tieBreak !== undefined)
        await opened.query(`CREATE OR REPLACE VIEW ctr_latest AS ${latestWith(options.tieBreak)}`);
      return opened;
    };
    const json = await open('json', { json: true });
    const parquet = await open('parquet');
    const digest = await open('digest', { tieBreak: ', ContentDigest DESC' });
    const untied = await open('parquet', { tieBreak: '' });
    // Before this round: Snappy pages, and the probe filter on the Attributes map.
    const before = await open('snappy');
    for (const view of VIEWS)
      await before.query(`CREATE OR REPLACE VIEW ${view.name} AS ${formerProbeFilter(withTimeZone(view, 'UTC').sql)}`);

    const rows = lines.length;
    const perRow = (n: number) => (n / rows).toFixed(1);
    console.log(
      `Corpus: ${rows} CTRs (distinct versions), ${mib(rawBytes)} MiB of JSON (${perRow(rawBytes)} B/CTR); ${files.length} Parquet objects (one per contact date).`,
    );
    console.log(
      `Lake size: GZIP JSON ${mib(jsonBytes)} MiB (${perRow(jsonBytes)} B/CTR); Parquet with ${codec()} pages (as deployed) ${mib(lakeBytes('parquet'))} MiB, ` +
        `with Snappy pages ${mib(lakeBytes('snappy'))} MiB, with ZSTD pages (not offered by Firehose) ${mib(lakeBytes('zstd'))} MiB.`,
    );
    console.log(
      `Conversion to Parquet: ${(convertMs / 1000).toFixed(1)} s wall, ${((conversion.user + conversion.system) / 1e6).toFixed(1)} s CPU.`,
    );
    console.log(
      `Machine load (1/5/15 min): ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}; ${RUNS} timed runs per query, fastest shown.\n`,
    );

    console.log(`Bytes per CTR of the columns daily_contact_volume needs, from parquet_metadata:\n`);
    console.log(`| column | Snappy | ${codec()} (deployed) | ZSTD |`);
    console.log('|---|---:|---:|---:|');
    for (const c of [...VOLUME_COLUMNS, 'ContentDigest (what-if)', 'Attributes (the former probe filter)']) {
      const name = c.split(' ')[0];
      const cell = (lake: string) => perRow(bytes[lake].byColumn.get(name) ?? 0);
      const lake = name === 'ContentDigest' ? 'digest' : 'parquet';
      console.log(
        `| ${c} | ${name === 'ContentDigest' ? '–' : cell('snappy')} | ${cell(lake)} | ${name === 'ContentDigest' ? '–' : cell('zstd')} |`,
      );
    }
    const bound = await volumeLowerBound(root('parquet'), files);
    console.log(
      `\nLower bound for those columns: ${perRow(bound)} B/CTR, so at most ${(jsonBytes / bound).toFixed(1)}x fewer bytes than GZIP JSON (${perRow(jsonBytes)} B/CTR).\n`,
    );

    console.log(
      `| named query | GZIP JSON read (MiB) | Parquet read (MiB), ${codec()} pages | fewer bytes | columns read | before: Snappy pages, probe filter on Attributes (MiB, fewer, columns) | ` +
        'with a ContentDigest tie-break (MiB, fewer, columns) | with no tie-break, not deterministic (MiB, fewer) | JSON time (ms, CPU ms) | Parquet time (ms, CPU ms) | same answer |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|');
    for (const { name } of NAMED_QUERIES) {
      const sql = withTimeZone(namedQuery(name), 'UTC').sql;
      const columns = await scannedColumns(parquet, sql);
      const digestColumns = await scannedColumns(digest, sql);
      const read = bytesOf('parquet', columns);
      const beforeColumns = await scannedColumns(before, formerProbeFilter(sql));
      const beforeRead = bytesOf('snappy', beforeColumns);
      const withDigest = bytesOf('digest', digestColumns);
      const untiedRead = bytesOf('parquet', await scannedColumns(untied, sql));
      const timeIt = TIMED.includes('all') || TIMED.includes(name);
      const j = timeIt ? await timed(json, sql) : undefined;
      const p = timeIt ? await timed(parquet, sql) : undefined;
      const same = j && p ? (JSON.stringify(j.result.rows) === JSON.stringify(p.result.rows) ? 'yes' : 'NO') : '–';
      const time = (t: typeof j) => (t ? `${t.ms.toFixed(0)} (${t.cpuMs.toFixed(0)})` : '–');
      const fewer = (n: number) => `${(jsonBytes / n).toFixed(1)}x`;
      console.log(
        `| ${name} | ${mib(jsonBytes)} | ${mib(read)} | ${fewer(read)} | ${columns.length} of ${CTR_COLUMNS.length} | ` +
          `${mib(beforeRead)}, ${fewer(beforeRead)}, ${beforeColumns.length} | ${mib(withDigest)}, ${fewer(withDigest)}, ${digestColumns.length} | ` +
          `${mib(untiedRead)}, ${fewer(untiedRead)} | ${time(j)} | ${time(p)} | ${same} |`,
      );
    }
  } finally {
    for (const a of analytics) a.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** The page codec of the deployed conversion, as DuckDB names it. */
const codec = () => DELIVERY_LAYOUT.parquetCompression.toLowerCase();

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
