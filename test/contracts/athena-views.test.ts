import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIEWS } from '../../analytics/definitions';
import { withTimeZone } from '../../analytics/time-zone';
import { ATHENA_ENGINE_VERSION } from '../../lib/definitions/catalog-names';
import { writeLakeDir } from '../../local/firehose/lake-files';
import { LocalAnalytics } from '../../local/sql/local-analytics';
import { evaluate, fullTemplate, ofType, PSEUDO } from './template';

// Contracts of the views with the Glue Data Catalog and Athena.
// - Athena, "Work with views" (https://docs.aws.amazon.com/athena/latest/ug/views.html) and
//   "CREATE VIEW" (https://docs.aws.amazon.com/athena/latest/ug/create-view.html): a view Athena creates is a
//   Glue table of type VIRTUAL_VIEW, parameters {presto_view: true, comment: Presto View}, original text
//   `/* Presto View: base64(JSON) */`, expanded text `/* Presto View */`, and a storage descriptor whose
//   SerdeInfo is `{}`: Athena's metastore refuses a non-Iceberg table without SerDe info, views included.
// - Glue API, StorageDescriptor (https://docs.aws.amazon.com/glue/latest/webapi/API_StorageDescriptor.html).
// - The JSON is Trino's ConnectorViewDefinition (originalSql, catalog, schema, columns, owner, runAsInvoker):
//   `owner` must be absent when runAsInvoker is true, columns must not be empty.
// - AWS::Athena::WorkGroup EngineVersion
//   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-athena-workgroup-engineversion.html):
//   SelectedEngineVersion defaults to AUTO; the views' types (timestamp(3)) are engine version 3's.

const { all } = fullTemplate();
const viewTables = ofType(all, 'AWS::Glue::Table').filter(
  ([, r]) => r.Properties.TableInput.TableType === 'VIRTUAL_VIEW',
);
const input = (name: string) =>
  viewTables.find(([, r]) => r.Properties.TableInput.Name === name)![1].Properties.TableInput;

/** The Presto view JSON of a view table, as Athena would decode it after deploy. */
function viewJson(name: string): Record<string, any> {
  const text = evaluate(input(name).ViewOriginalText) as string;
  const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(text);
  if (!match) throw new Error(`${name}: original text is not a Presto view: ${text.slice(0, 80)}`);
  return JSON.parse(Buffer.from(match[1], 'base64').toString('utf8'));
}

describe('Glue view tables are what Athena writes for CREATE VIEW', () => {
  test('every view of analytics/views is a view table', () => {
    expect(viewTables.map(([, r]) => r.Properties.TableInput.Name).sort()).toEqual(VIEWS.map((v) => v.name).sort());
  });

  test.each(VIEWS.map((v) => v.name))('%s: table type, parameters, expanded text, SerdeInfo {}', (name) => {
    const table = input(name);
    expect(table.TableType).toBe('VIRTUAL_VIEW');
    expect(table.Parameters).toEqual({ presto_view: 'true', comment: 'Presto View' });
    expect(table.ViewExpandedText).toBe('/* Presto View */');
    expect(table.StorageDescriptor.SerdeInfo).toEqual({});
  });

  test.each(VIEWS.map((v) => v.name))(
    '%s: the Presto view JSON has the fields Athena writes, definer with an owner',
    (name) => {
      const view = VIEWS.find((v) => v.name === name)!;
      const json = viewJson(name);
      expect(Object.keys(json).sort()).toEqual([
        'catalog',
        'columns',
        'originalSql',
        'owner',
        'properties',
        'runAsInvoker',
        'schema',
      ]);
      expect(json).toMatchObject({
        originalSql: withTimeZone(view, 'UTC').sql,
        catalog: 'awsdatacatalog',
        schema: 'teststack_ctr',
        runAsInvoker: false,
        owner: `arn:aws:iam::${PSEUDO['AWS::AccountId']}:root`,
        properties: {},
      });
      expect(json.columns.length).toBeGreaterThan(0);
      // The Glue columns and the view JSON columns name the same columns in the same order.
      expect(json.columns.map((c: { name: string }) => c.name)).toEqual(
        input(name).StorageDescriptor.Columns.map((c: { Name: string }) => c.Name),
      );
    },
  );

  test('the workgroup is pinned to Athena engine version 3', () => {
    const [[, workGroup]] = ofType(all, 'AWS::Athena::WorkGroup');
    expect(ATHENA_ENGINE_VERSION).toBe('Athena engine version 3');
    expect(workGroup.Properties.WorkGroupConfiguration.EngineVersion).toEqual({
      SelectedEngineVersion: 'Athena engine version 3',
    });
  });
});

/** A Trino type (as in the view JSON) in DuckDB's spelling, field names lowercased (Glue lowercases them). */
function trinoToDuckDb(type: string): string {
  let at = 0;
  const parse = (): string => {
    const name = /^[a-z]+/.exec(type.slice(at))![0];
    at += name.length;
    const args: string[] = [];
    if (type[at] === '(') {
      at += 1;
      for (;;) {
        if (name === 'row') {
          const field = /^\s*([a-z0-9_]+) /.exec(type.slice(at))!;
          at += field[0].length;
          args.push(`${field[1]} ${parse()}`);
        } else if (/^\d/.test(type.slice(at))) {
          at += /^\d+/.exec(type.slice(at))![0].length;
        } else {
          args.push(parse());
        }
        const sep = type[at];
        at += 1;
        if (sep === ')') break;
        while (type[at] === ' ') at += 1;
      }
    }
    switch (name) {
      case 'varchar':
        return 'VARCHAR';
      case 'bigint':
        return 'BIGINT';
      case 'integer':
        return 'INTEGER';
      case 'double':
        return 'DOUBLE';
      case 'boolean':
        return 'BOOLEAN';
      case 'date':
        return 'DATE';
      case 'timestamp':
        return 'TIMESTAMP';
      case 'array':
        return `${args[0]}[]`;
      case 'map':
        return `MAP(${args.join(', ')})`;
      case 'row':
        return `STRUCT(${args.join(', ')})`;
      default:
        throw new Error(`no DuckDB spelling for Trino type ${name}`);
    }
  };
  return parse();
}

describe("the view JSON's column types are the result columns of the view SQL", () => {
  let root: string;
  let analytics: LocalAnalytics;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ctr-contract-'));
    const samples = JSON.parse(
      await readFile(join(__dirname, '../../samples/duplicated_samples.json'), 'utf8'),
    ) as unknown[];
    await writeLakeDir(
      root,
      samples.map((s) => JSON.stringify(s)),
    );
    analytics = await LocalAnalytics.open(root);
  });
  afterAll(async () => {
    analytics?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('the Trino-to-DuckDB spelling used below is right on nested types', () => {
    expect(trinoToDuckDb('map(varchar, array(row(a varchar, b timestamp(3))))')).toBe(
      'MAP(VARCHAR, STRUCT(a VARCHAR, b TIMESTAMP)[])',
    );
  });

  test.each(VIEWS.map((v) => v.name))(
    '%s: DuckDB describes exactly the columns and types the JSON declares',
    async (name) => {
      const described = (await analytics.describe(name)).map((c) => ({
        name: c.name.toLowerCase(),
        type: c.type.replace(/"/g, '').toLowerCase(),
      }));
      const declared = viewJson(name).columns.map((c: { name: string; type: string }) => ({
        name: c.name,
        type: trinoToDuckDb(c.type).toLowerCase(),
      }));
      expect(described).toEqual(declared);
    },
  );
});
