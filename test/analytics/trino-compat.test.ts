import { DuckDBInstance } from '@duckdb/node-api';
import { TRINO_MACROS } from '../../local/sql/trino-compat';

// The macros give DuckDB Trino's meaning of each function (values from Trino's documentation).
describe('Trino compatibility macros', () => {
  let instance: DuckDBInstance;
  const one = async (sql: string) => {
    const connection = await instance.connect();
    try {
      return (await connection.runAndReadAll(`SELECT ${sql} AS v`)).getRowObjectsJson()[0].v;
    } finally {
      connection.closeSync();
    }
  };
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    for (const macro of TRINO_MACROS) await connection.run(macro.sql);
    connection.closeSync();
  });
  afterAll(() => instance.closeSync());

  test('from_iso8601_timestamp reads CTR timestamps as UTC instants', async () => {
    expect(await one(`CAST(from_iso8601_timestamp('2022-01-05T17:12:59Z') AS timestamp)`)).toBe('2022-01-05 17:12:59');
    expect(await one(`CAST(from_iso8601_timestamp('2022-01-05T18:12:59+01:00') AS timestamp)`)).toBe(
      '2022-01-05 17:12:59',
    );
    expect(await one(`from_iso8601_timestamp(NULL)`)).toBeNull();
  });

  test('day_of_week is ISO: Monday 1, Sunday 7', async () => {
    expect(await one(`day_of_week(TIMESTAMP '2022-01-10 00:00:00')`)).toBe('1');
    expect(await one(`day_of_week(TIMESTAMP '2022-01-09 23:59:59')`)).toBe('7');
  });

  test('json_format gives JSON text; element_at gives NULL for a missing key', async () => {
    expect(await one(`json_format(CAST(MAP {'a': 'x'} AS JSON))`)).toBe('{"a":"x"}');
    expect(await one(`element_at(MAP {'a': 'x'}, 'a')`)).toBe('x');
    expect(await one(`element_at(MAP {'a': 'x'}, 'b')`)).toBeNull();
  });

  test('date_diff in seconds agrees with Trino for whole-second timestamps', async () => {
    expect(await one(`date_diff('second', TIMESTAMP '2022-01-05 17:14:46', TIMESTAMP '2022-01-05 17:20:32')`)).toBe(
      '346',
    );
  });
});
