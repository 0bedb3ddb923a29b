import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ColumnType, CTR_COLUMNS, type Field } from '../../lib/definitions/ctr-schema';
import { DELIVERY_LAYOUT } from '../../lib/definitions/delivery-layout';
import { evaluate, fullTemplate, ofType } from './template';

// The Parquet lake relies on these documented rules of Amazon Data Firehose, AWS Glue and Amazon Athena.
const { all } = fullTemplate();
const [[streamId, stream]] = ofType(all, 'AWS::KinesisFirehose::DeliveryStream');
const s3Config = evaluate(stream.Properties.ExtendedS3DestinationConfiguration);
const conversion = s3Config.DataFormatConversionConfiguration;
const [[, table]] = ofType(all, 'AWS::Glue::Table').filter(
  ([, t]) => t.Properties.TableInput.TableType === 'EXTERNAL_TABLE',
);
const roleStatements: Array<{ Action: string | string[]; Resource: unknown }> = ofType(all, 'AWS::IAM::Policy')
  .filter(([id]) => id.startsWith('DeliveryRolePolicy'))
  .flatMap(([, p]) => evaluate(p.Properties.PolicyDocument).Statement);
const allowed = (action: string, resource: string) =>
  roleStatements.some(
    (s) =>
      [s.Action].flat().includes(action) &&
      [s.Resource]
        .flat()
        .some(
          (r) => r === resource || (typeof r === 'string' && r.endsWith('*') && resource.startsWith(r.slice(0, -1))),
        ),
  );
const dataBucket = s3Config.BucketARN as string;
const samples = ['case1.json', 'case2.json', 'case3.json'].map(
  (f) => JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', f), 'utf8')) as Record<string, unknown>,
);

describe('Amazon Data Firehose, "Convert input data format" (https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion.html)', () => {
  test('conversion needs a deserializer, a schema from a Glue table and a serializer: OpenX JSON in, Parquet out, this table', () => {
    expect(conversion.Enabled).toBe(true);
    expect(Object.keys(conversion.InputFormatConfiguration.Deserializer)).toEqual(['OpenXJsonSerDe']);
    expect(Object.keys(conversion.OutputFormatConfiguration.Serializer)).toEqual(['ParquetSerDe']);
    expect(conversion.SchemaConfiguration.DatabaseName).toBe(table.Properties.DatabaseName);
    expect(conversion.SchemaConfiguration.TableName).toMatch(/^\{ref:CatalogTable/);
  });

  test('"the converted data will not contain attributes that are not specified in the schema": every source record is backed up', () => {
    // A field Connect adds later is dropped from the Parquet; the backup keeps it for a re-fill.
    expect(s3Config.S3BackupMode).toBe('Enabled');
    expect(s3Config.S3BackupConfiguration.BucketARN).toBe(dataBucket);
    expect(s3Config.S3BackupConfiguration.CompressionFormat).toBe('GZIP');
    // Its own prefix, outside the table's location: Athena reads every object under ctr/.
    expect(s3Config.S3BackupConfiguration.Prefix.startsWith(DELIVERY_LAYOUT.dataRoot)).toBe(false);
    expect(allowed('s3:PutObject', `${dataBucket}/backup/dt=2026-12-01/x.gz`)).toBe(true);
  });

  test('nested JSON needs a STRUCT in the schema that mirrors it: every object field of the samples is a struct or map column', () => {
    const mismatches: string[] = [];
    const check = (value: unknown, type: ColumnType, path: string) => {
      if (value === null || value === undefined) return;
      if (Array.isArray(value)) {
        if (typeof type === 'string' || !('array' in type))
          mismatches.push(`${path}: array vs ${JSON.stringify(type)}`);
        else {
          for (const [i, v] of value.entries()) check(v, type.array, `${path}[${i}]`);
        }
      } else if (typeof value === 'object') {
        if (typeof type === 'string' || 'array' in type) mismatches.push(`${path}: object vs ${JSON.stringify(type)}`);
        else if ('struct' in type) checkFields(value as Record<string, unknown>, type.struct, path);
      } else if (typeof type !== 'string') mismatches.push(`${path}: scalar vs ${JSON.stringify(type)}`);
    };
    const checkFields = (obj: Record<string, unknown>, fields: readonly Field[], path: string) => {
      for (const f of fields) check(obj[f.name], f.type, `${path}.${f.name}`);
    };
    for (const s of samples) checkFields(s, CTR_COLUMNS, '');
    expect(mismatches).toEqual([]);
  });
});

describe('Amazon Data Firehose API, "OpenXJsonSerDe" (https://docs.aws.amazon.com/firehose/latest/APIReference/API_OpenXJsonSerDe.html)', () => {
  const serde = conversion.InputFormatConfiguration.Deserializer.OpenXJsonSerDe;

  test('CaseInsensitive defaults to true ("converts JSON keys to lowercase"): it is false, so keys differing only in case stay apart', () => {
    expect(serde.CaseInsensitive).toBe(false);
    // The sample that needs it: Attributes with GreetingPlayed and greetingPlayed.
    const attributes = samples[2].Attributes as Record<string, string>;
    expect(Object.keys(attributes).filter((k) => k.toLowerCase() === 'greetingplayed')).toHaveLength(2);
  });

  test('ColumnToJsonKeyMappings maps a column name to the JSON key: every key of the samples that the schema names is reachable', () => {
    const mappings = serde.ColumnToJsonKeyMappings as Record<string, string>;
    // Keys: 1-1024 characters without whitespace.
    for (const [k, v] of Object.entries(mappings)) {
      expect(k).toMatch(/^\S{1,1024}$/);
      expect(v.length).toBeLessThanOrEqual(1024);
    }
    // With case folding off, a lowercase column (Glue lowercases names) finds its mixed-case key only through a mapping.
    const unreachable: string[] = [];
    const visit = (obj: Record<string, unknown>, fields: readonly Field[]) => {
      for (const f of fields) {
        if (!(f.name in obj)) continue;
        const lower = f.name.toLowerCase();
        if (lower !== f.name && mappings[lower] !== f.name) unreachable.push(f.name);
        let type = f.type;
        while (typeof type !== 'string' && !('struct' in type)) type = 'array' in type ? type.array : type.map;
        const value = obj[f.name];
        if (typeof type !== 'string' && value && typeof value === 'object') {
          for (const item of [value].flat() as Array<Record<string, unknown>>) visit(item, type.struct);
        }
      }
    };
    for (const s of samples) visit(s, CTR_COLUMNS);
    expect(unreachable).toEqual([]);
  });
});

describe('Amazon Data Firehose, "Enable record format conversion" (https://docs.aws.amazon.com/firehose/latest/dev/enable-record-format-conversion.html)', () => {
  test('"Amazon S3 compression gets disabled when you enable format conversion": no S3 compression, Parquet compresses itself', () => {
    expect(s3Config.CompressionFormat ?? 'UNCOMPRESSED').toBe('UNCOMPRESSED');
    expect(conversion.OutputFormatConfiguration.Serializer.ParquetSerDe.Compression).toBe('GZIP');
  });

  test('"ParquetSerDe" API reference (https://docs.aws.amazon.com/firehose/latest/APIReference/API_ParquetSerDe.html): Compression is one of UNCOMPRESSED | GZIP | SNAPPY (no ZSTD)', () => {
    expect(['UNCOMPRESSED', 'GZIP', 'SNAPPY']).toContain(DELIVERY_LAYOUT.parquetCompression);
    expect(conversion.OutputFormatConfiguration.Serializer.ParquetSerDe.Compression).toBe(
      DELIVERY_LAYOUT.parquetCompression,
    );
  });

  test('with conversion (and dynamic partitioning) the buffer is at least 64 MiB', () => {
    expect(s3Config.BufferingHints.SizeInMBs).toBeGreaterThanOrEqual(64);
    expect(s3Config.DynamicPartitioningConfiguration.Enabled).toBe(true);
  });
});

describe('Amazon Data Firehose, "Handling errors for data format conversion" (https://docs.aws.amazon.com/firehose/latest/dev/record-format-conversion-error-handling.html)', () => {
  test('a record that cannot be deserialized is written "to Amazon S3 with an error prefix": ours names the error type, and the role may write there', () => {
    expect(s3Config.ErrorOutputPrefix).toBe(DELIVERY_LAYOUT.errorOutputPrefix);
    expect(s3Config.ErrorOutputPrefix).toContain('!{firehose:error-output-type}');
    // "If this write fails, Amazon Data Firehose retries it forever, blocking further delivery": a denied write would stall the stream.
    expect(allowed('s3:PutObject', `${dataBucket}/firehose-errors/format-conversion-failed/dt=2026-12-01/x`)).toBe(
      true,
    );
  });
});

describe('Amazon Data Firehose, "Controlling access", Glue for data format conversion (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-glue)', () => {
  test('the role has glue:GetTable, glue:GetTableVersion and glue:GetTableVersions on the table', () => {
    const tableArn = `arn:aws:glue:eu-west-1:123456789012:table/${table.Properties.DatabaseName}/${table.Properties.TableInput.Name}`;
    for (const action of ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'])
      expect(allowed(action, tableArn)).toBe(true);
    expect(conversion.SchemaConfiguration.RoleARN).toBe(s3Config.RoleARN);
  });

  test('"VersionId: LATEST" picks up a column added to the table (the schema-change procedure relies on it)', () => {
    expect(conversion.SchemaConfiguration.VersionId).toBe('LATEST');
  });
});

describe('Amazon Data Firehose, "Monitor with CloudWatch metrics", format conversion (https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html)', () => {
  test('FailedConversion.Records (AWS/Firehose, DeliveryStreamName) has an alarm at one record', () => {
    const alarms = ofType(all, 'AWS::CloudWatch::Alarm').map(([, a]) => evaluate(a.Properties));
    const alarm = alarms.find((a) => a.MetricName === 'FailedConversion.Records');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Firehose',
      Dimensions: [{ Name: 'DeliveryStreamName', Value: `{ref:${streamId}}` }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('Amazon Athena, "Parquet SerDe" (https://docs.aws.amazon.com/athena/latest/ug/parquet-serde.html)', () => {
  test('the table uses org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe with the Parquet input and output formats', () => {
    const sd = table.Properties.TableInput.StorageDescriptor;
    expect(sd.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(sd.InputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
    expect(sd.OutputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat');
    expect(table.Properties.TableInput.Parameters.classification).toBe('parquet');
  });
});
