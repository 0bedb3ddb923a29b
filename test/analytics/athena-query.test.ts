import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { namedQuery } from '../../analytics/definitions';
import { AthenaQueryFailedError } from '../../analytics/errors';
import { main } from '../../local/cli/main';
import { AthenaQueryTimeoutError, runAthenaQuery } from '../../local/sql/athena-query';
import { databaseForWorkGroup } from '../../local/sql/query-command';

// No AWS account here: the Athena API is mocked (aws-sdk-client-mock), the rest is the real code.
const athena = mockClient(AthenaClient);
const column = (Name: string, Type: string) => ({ Name, Type });
const row = (...values: Array<string | undefined>) => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});
const noWait = async () => {};

beforeEach(() => athena.reset());

describe('runAthenaQuery', () => {
  test('starts the query in the workgroup and database, polls until it succeeds, reads every page', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const metadata = {
      ColumnInfo: [
        column('contact_date', 'date'),
        column('channel', 'varchar'),
        column('contacts', 'bigint'),
        column('ok', 'boolean'),
      ],
    };
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [row('contact_date', 'channel', 'contacts', 'ok'), row('2022-01-05', 'VOICE', '12', 'true')],
        },
        NextToken: 'page-2',
      })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: metadata, Rows: [row('2022-01-06', undefined, '3', 'false')] } });
    const client = new AthenaClient({ region: 'eu-west-1' });
    const sql = namedQuery('daily_contact_volume').sql;

    const result = await runAthenaQuery(client, sql, { workGroup: 'Calls-ctr', database: 'calls_ctr', sleep: noWait });

    expect(result).toEqual({
      columns: ['contact_date', 'channel', 'contacts', 'ok'],
      rows: [
        { contact_date: '2022-01-05', channel: 'VOICE', contacts: 12, ok: true },
        { contact_date: '2022-01-06', channel: null, contacts: 3, ok: false },
      ],
    });
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).toEqual({
      QueryString: sql,
      WorkGroup: 'Calls-ctr',
      QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: 'calls_ctr' },
    });
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    // Two pages read (the SDK paginator reuses one input object, so the recorded NextToken is the last one).
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
    expect(athena.commandCalls(GetQueryResultsCommand)[1].args[0].input.NextToken).toBe('page-2');
  });

  test("a failed query raises AthenaQueryFailedError with Athena's reason", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: ctr_typed' } },
    });
    const error = await runAthenaQuery(new AthenaClient({ region: 'eu-west-1' }), 'SELECT 1', {
      workGroup: 'w',
      database: 'd',
      sleep: noWait,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryFailedError);
    expect(error).toMatchObject({ queryExecutionId: 'q-2', state: 'FAILED', reason: 'TABLE_NOT_FOUND: ctr_typed' });
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  test('a query still running at the deadline is stopped', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    await expect(
      runAthenaQuery(new AthenaClient({ region: 'eu-west-1' }), 'SELECT 1', {
        workGroup: 'w',
        database: 'd',
        timeoutMs: 0,
        sleep: noWait,
      }),
    ).rejects.toThrow(AthenaQueryTimeoutError);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0].args[0].input).toEqual({ QueryExecutionId: 'q-3' });
  });
});

describe('ctr query --athena', () => {
  let out: string;
  let err: string;
  let stdout: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    out = '';
    err = '';
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out += String(s);
      return true;
    });
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => {
      err += String(s);
      return true;
    });
  });
  afterEach(() => {
    stdout.mockRestore();
    stderr.mockRestore();
  });

  test("runs the named query's SQL file text on Athena and prints the rows as JSON", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [column('dt', 'varchar'), column('raw_rows', 'bigint')] },
        Rows: [row('dt', 'raw_rows'), row('2022-01-05', '3')],
      },
    });

    const code = await main([
      'query',
      'dedup_audit',
      '--athena',
      '--workgroup',
      'CallCenter-ctr',
      '--region',
      'eu-west-1',
      '--json',
    ]);

    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([{ dt: '2022-01-05', raw_rows: 3 }]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input).toMatchObject({
      QueryString: namedQuery('dedup_audit').sql,
      WorkGroup: 'CallCenter-ctr',
      QueryExecutionContext: { Database: 'callcenter_ctr' },
    });
  });

  test('--athena without --workgroup is a usage error', async () => {
    expect(await main(['query', 'dedup_audit', '--athena'])).toBe(2);
    expect(err).toContain('--athena needs --workgroup');
    expect(athena.calls()).toHaveLength(0);
  });

  test('the database is derived from the stack workgroup name, or must be given', () => {
    expect(databaseForWorkGroup('My-Stack-ctr')).toBe('my_stack_ctr');
    expect(() => databaseForWorkGroup('primary')).toThrow(/--database/);
  });
});
