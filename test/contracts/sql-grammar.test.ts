import { TrinoSQL } from 'dt-sql-parser';
import { NAMED_QUERIES, VIEWS } from '../../analytics/definitions';

// Contract of every SQL file with Athena's engine.
// - Amazon Athena, "SQL reference for Athena" (https://docs.aws.amazon.com/athena/latest/ug/ddl-sql-reference.html)
//   and "Athena engine version 3" (https://docs.aws.amazon.com/athena/latest/ug/engine-versions-reference-0003.html):
//   engine version 3 runs Trino's SQL dialect, so every view and named query must parse with a Trino grammar
//   (dt-sql-parser's TrinoSQL, built from Trino's own ANTLR grammar). DuckDB accepting the text locally is
//   not proof: it accepts syntax Trino refuses.

const trino = new TrinoSQL();
const errorsOf = (sql: string) => trino.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);

describe('every SQL file parses as Trino SQL', () => {
  test.each([...VIEWS, ...NAMED_QUERIES].map((d) => [d.name, d.sql]))('%s', (_name, sql) => {
    expect(errorsOf(sql)).toEqual([]);
  });

  test('the check fails on broken statements', () => {
    expect(errorsOf('SELEC ContactId FROM ctr_latest')).not.toEqual([]);
    expect(errorsOf('SELECT ContactId FROM ctr_latest WHERE')).not.toEqual([]);
    // DuckDB-only syntax that DuckDB would run locally and Athena would refuse.
    expect(errorsOf('SELECT * EXCLUDE (Tags) FROM ctr_latest')).not.toEqual([]);
    // A valid file with one clause damaged fails too.
    const damaged = VIEWS[0].sql.replace('PARTITION BY', 'PARTITION');
    expect(errorsOf(damaged)).not.toEqual([]);
  });
});
