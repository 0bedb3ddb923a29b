import type { Stack } from 'aws-cdk-lib';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import { CTR_COLUMNS, type Field, serdeKeyMappings } from './definitions/ctr-schema';
import { DELIVERY_LAYOUT } from './definitions/delivery-layout';

/** Glue storage descriptor settings of a Parquet table (Athena's Parquet SerDe). */
export const PARQUET_STORAGE = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
} as const;

/**
 * Firehose's `ColumnToJsonKeyMappings` for the CTR schema: `<lowercase name>` = `<JSON key>` for every field
 * name that is not all lowercase, at every depth. The same table the OpenX SerDe took as `mapping.*`
 * parameters when Athena read the JSON itself, so conversion reads each field by the key Connect spells it.
 */
export function columnToJsonKeyMappings(columns: readonly Field[] = CTR_COLUMNS): Record<string, string> {
  return Object.fromEntries(Object.entries(serdeKeyMappings(columns)).map(([k, v]) => [k.slice('mapping.'.length), v]));
}

/**
 * The OpenX JSON deserializer as the lake needs it: case-sensitive keys (with case folding, a record whose
 * Attributes hold `GreetingPlayed` and `greetingPlayed` fails as a duplicate key) and every column mapped to
 * its exact JSON key.
 */
export function ctrInputFormat(): firehose.OpenXJsonInputFormat {
  return new firehose.OpenXJsonInputFormat({
    lowercaseColumnNames: false,
    columnToJsonKeyMappings: columnToJsonKeyMappings(),
  });
}

/**
 * Record format conversion of the delivery stream: JSON in (OpenX, case-sensitive, mapped keys), Parquet out
 * (`DELIVERY_LAYOUT.parquetCompression`), schema from the CTR Glue table's latest version.
 */
export function parquetConversion(table: glue.CfnTable): firehose.DataFormatConversionProps {
  return {
    schemaConfiguration: firehose.SchemaConfiguration.fromCfnTable(table),
    inputFormat: ctrInputFormat(),
    outputFormat: new firehose.ParquetOutputFormat({
      compression: firehose.ParquetCompression.of(DELIVERY_LAYOUT.parquetCompression),
    }),
  };
}

/**
 * What the delivery role needs to read the schema: the actions Firehose's access-control page lists for data
 * format conversion, on the catalog, the database and this one table. No `glue:GetSchemaVersion`: that is
 * for a schema registry, which this stack does not use.
 */
export function glueSchemaReadStatement(scope: Stack, databaseName: string, tableName: string): iam.PolicyStatement {
  const arn = (resource: string, resourceName?: string) => scope.formatArn({ service: 'glue', resource, resourceName });
  return new iam.PolicyStatement({
    actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
    resources: [arn('catalog'), arn('database', databaseName), arn('table', `${databaseName}/${tableName}`)],
  });
}
