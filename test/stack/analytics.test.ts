import { NAMED_QUERIES, VIEWS } from '../../analytics/definitions';
import { TIME_ZONE_PLACEHOLDER, withTimeZone } from '../../analytics/time-zone';
import {
  CTR_COLUMNS,
  SchemaMappingConflictError,
  serdeKeyMappings,
  toGlueType,
  toPrestoType,
} from '../../lib/definitions/ctr-schema';
import { InvalidSettingError } from '../../lib/errors';
import { evaluate } from '../contracts/template';
import { logicalId, resources, synthStack } from './synth';

// Template assertions for the analytics layer: table columns, the conversion's key mappings, views and named queries.
describe('analytics in the stack template', () => {
  const { template } = synthStack();
  const all = resources(template);
  const tableId = logicalId(template, 'AWS::Glue::Table', 'CatalogTable');
  const table = all[tableId].Properties.TableInput;
  const viewTables = Object.entries(all).filter(
    ([, r]) => r.Type === 'AWS::Glue::Table' && r.Properties.TableInput.TableType === 'VIRTUAL_VIEW',
  );

  test('table columns equal the schema definition, every field of the data model included', () => {
    expect(table.StorageDescriptor.Columns).toEqual(
      CTR_COLUMNS.map((c) => ({ Name: c.name.toLowerCase(), Type: toGlueType(c.type) })),
    );
    const names = CTR_COLUMNS.map((c) => c.name);
    for (const required of [
      'Agent',
      'Queue',
      'Attributes',
      'Tags',
      'QualityMetrics',
      'DisconnectDetails',
      'Campaign',
      'CustomerEndpoint',
      'SystemEndpoint',
      'TransferredToEndpoint',
      'Recordings',
      'MediaStreams',
      'References',
    ]) {
      expect(names).toContain(required);
    }
    const agent = table.StorageDescriptor.Columns.find((c: { Name: string }) => c.Name === 'agent').Type as string;
    // Struct fields keep Connect's spelling: matched exactly, or through the lowercase mappings if lowercased.
    expect(agent).toContain('RoutingProfile:struct<ARN:string,Name:string>');
    expect(agent).toContain('HierarchyGroups:struct<Level1:struct<ARN:string,GroupName:string>');
    expect(table.StorageDescriptor.Columns.find((c: { Name: string }) => c.Name === 'attributes').Type).toBe(
      'map<string,string>',
    );
  });

  test('the Parquet conversion reads JSON keys case-sensitively and maps every mixed-case field to its exact key', () => {
    const [[, stream]] = Object.entries(all).filter(([, r]) => r.Type === 'AWS::KinesisFirehose::DeliveryStream');
    const serde =
      stream.Properties.ExtendedS3DestinationConfiguration.DataFormatConversionConfiguration.InputFormatConfiguration
        .Deserializer.OpenXJsonSerDe;
    expect(serde.CaseInsensitive).toBe(false);
    const params = serde.ColumnToJsonKeyMappings as Record<string, string>;
    expect(params.contactid).toBe('ContactId');
    expect(params.lastupdatetimestamp).toBe('LastUpdateTimestamp');
    expect(params.arn).toBe('ARN');
    expect(params.groupname).toBe('GroupName');
    expect(params.awsaccountid).toBe('AWSAccountId');
    // Every field name at every depth that is not all lowercase has its mapping.
    const missing: string[] = [];
    const visit = (fields: readonly { name: string; type: unknown }[]) => {
      for (const f of fields) {
        if (f.name !== f.name.toLowerCase() && params[f.name.toLowerCase()] !== f.name) missing.push(f.name);
        let t: any = f.type;
        while (t && typeof t === 'object' && !('struct' in t)) t = t.array ?? t.map;
        if (t && typeof t === 'object') visit(t.struct);
      }
    };
    visit(CTR_COLUMNS);
    expect(missing).toEqual([]);
  });

  test('a schema with two spellings of one lowercase name is refused', () => {
    expect(() =>
      serdeKeyMappings([
        { name: 'Queue', type: { struct: [{ name: 'ARN', type: 'string' }] } },
        { name: 'Arn', type: 'string' },
      ]),
    ).toThrow(SchemaMappingConflictError);
  });

  test('views exist as Presto views whose definition holds the SQL file text, the database and the columns', () => {
    expect(viewTables.map(([, r]) => r.Properties.TableInput.Name).sort()).toEqual(['ctr_latest', 'ctr_typed']);
    for (const view of VIEWS) {
      const [, resource] = viewTables.find(([, r]) => r.Properties.TableInput.Name === view.name)!;
      const input = resource.Properties.TableInput;
      expect(input.Parameters).toEqual({ presto_view: 'true', comment: 'Presto View' });
      expect(input.ViewExpandedText).toBe('/* Presto View */');
      const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(evaluate(input.ViewOriginalText));
      expect(match).not.toBeNull();
      const definition = JSON.parse(Buffer.from(match![1], 'base64').toString('utf8'));
      expect(definition).toEqual({
        originalSql: withTimeZone(view, 'UTC').sql,
        catalog: 'awsdatacatalog',
        schema: 'teststack_ctr',
        columns: view.columns.map((c) => ({ name: c.name.toLowerCase(), type: toPrestoType(c.type) })),
        owner: 'arn:aws:iam::123456789012:root',
        runAsInvoker: false,
        properties: {},
      });
      expect(input.StorageDescriptor.Columns).toEqual(
        view.columns.map((c) => ({ Name: c.name.toLowerCase(), Type: toGlueType(c.type) })),
      );
      expect(resource.Properties.DatabaseName).toBe('teststack_ctr');
    }
  });

  test('views are created after the table, and ctr_typed after ctr_latest', () => {
    const byName = Object.fromEntries(viewTables.map(([id, r]) => [r.Properties.TableInput.Name, { id, r }]));
    expect(byName.ctr_latest.r.DependsOn).toEqual(expect.arrayContaining([tableId]));
    expect(byName.ctr_typed.r.DependsOn).toEqual(expect.arrayContaining([byName.ctr_latest.id]));
  });

  test('one named query per SQL file, in the workgroup and database, with the file text', () => {
    const named = Object.values(all).filter((r) => r.Type === 'AWS::Athena::NamedQuery');
    expect(named.map((r) => r.Properties.Name).sort()).toEqual(NAMED_QUERIES.map((q) => q.name).sort());
    expect(NAMED_QUERIES.length).toBeGreaterThanOrEqual(10);
    const workGroupId = logicalId(template, 'AWS::Athena::WorkGroup', 'Catalog');
    for (const query of NAMED_QUERIES) {
      const r = named.find((n) => n.Properties.Name === query.name)!;
      expect(r.Properties).toEqual({
        Name: query.name,
        Description: query.description,
        Database: 'teststack_ctr',
        WorkGroup: { Ref: workGroupId },
        QueryString: withTimeZone(query, 'UTC').sql,
      });
    }
  });

  test('Presto types render structs as rows with lowercase field names', () => {
    expect(
      toPrestoType({
        struct: [
          { name: 'ARN', type: 'string' },
          { name: 'Duration', type: 'bigint' },
        ],
      }),
    ).toBe('row(arn varchar, duration bigint)');
    expect(toPrestoType({ map: 'string' })).toBe('map(varchar, varchar)');
    expect(toPrestoType({ array: 'timestamp' })).toBe('array(timestamp(3))');
  });

  test('the timeZone prop goes into every view and named query that counts local time; a bad name fails the synth', () => {
    const seoul = resources(synthStack({ timeZone: 'Asia/Seoul' }).template);
    const sqlOf = (r: { Type: string; Properties?: any }) =>
      r.Type === 'AWS::Athena::NamedQuery'
        ? (r.Properties.QueryString as string)
        : (JSON.parse(
            Buffer.from(
              /Presto View: (\S+) /.exec(evaluate(r.Properties.TableInput.ViewOriginalText))![1],
              'base64',
            ).toString(),
          ).originalSql as string);
    const sql = Object.values(seoul)
      .filter((r) => r.Type === 'AWS::Athena::NamedQuery' || r.Properties?.TableInput?.TableType === 'VIRTUAL_VIEW')
      .map(
        (r) =>
          [
            r.Type === 'AWS::Athena::NamedQuery' ? r.Properties!.Name : r.Properties!.TableInput.Name,
            sqlOf(r),
          ] as const,
      );
    expect(sql.length).toBe(NAMED_QUERIES.length + VIEWS.length);
    expect(sql.filter(([, text]) => text.includes(TIME_ZONE_PLACEHOLDER))).toEqual([]);
    expect(
      sql
        .filter(([, text]) => text.includes("AT TIME ZONE 'Asia/Seoul'"))
        .map(([name]) => name)
        .sort(),
    ).toEqual(['ctr_typed', 'dedup_audit_over_time']);
    expect(() => synthStack({ timeZone: 'Asia/Seol' })).toThrow(InvalidSettingError);
    expect(() => synthStack({ timeZone: "UTC' OR 1=1 --" })).toThrow(/timeZone must be an IANA time zone name/);
  });
});
