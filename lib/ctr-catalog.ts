import { Aws, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CTR_COLUMNS, toGlueType } from './ctr-schema';
import { DELIVERY_LAYOUT } from './delivery-layout';

/** Name of the CTR table in the stack's Glue database. */
export const CTR_TABLE_NAME = 'contact_trace_records';

/** Key prefix of Athena query results in the results bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

/** Props of {@link CtrCatalog}. */
export interface CtrCatalogProps {
  /** Bucket holding delivered CTRs under `ctr/`. */
  readonly dataBucket: s3.IBucket;
  /** Bucket for Athena query results. */
  readonly resultsBucket: s3.IBucket;
  /**
   * First date the `dt` partition projection covers (`yyyy-MM-dd`).
   * @default '2017-01-01' (Amazon Connect's launch year)
   */
  readonly projectionStartDate?: string;
  /**
   * Per-query scan limit of the workgroup, in bytes: a cost guard against runaway queries.
   * @default 10 GiB
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * Let stack deletion remove the workgroup even when it holds saved queries and history.
   * @default false
   */
  readonly destroyOnRemoval?: boolean;
}

/**
 * Glue database and CTR table over `ctr/` with partition projection on `dt` (no crawler, no
 * `MSCK REPAIR`), and an Athena workgroup that enforces its result location and encryption.
 *
 * Glue and Athena are L1 (`Cfn*`) resources: aws-cdk-lib has no stable L2 for them (only the alpha
 * `@aws-cdk/aws-glue-alpha`, whose API may still change).
 */
export class CtrCatalog extends Construct {
  /** The Glue database. */
  readonly database: glue.CfnDatabase;
  /** The CTR table (top-level CTR columns from `CTR_COLUMNS`). */
  readonly table: glue.CfnTable;
  /** The Athena workgroup. */
  readonly workGroup: athena.CfnWorkGroup;
  /** Glue database name (derived from the stack name). */
  readonly databaseName: string;
  /** Glue table name. */
  readonly tableName: string = CTR_TABLE_NAME;
  /** Athena workgroup name (derived from the stack name). */
  readonly workGroupName: string;

  constructor(scope: Construct, id: string, props: CtrCatalogProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    // Glue and Athena require names; derive them from the stack so that a second stack cannot collide.
    this.databaseName = `${stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_ctr`;
    this.workGroupName = `${stackName}-ctr`;

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'Deduplicated Amazon Connect contact trace records' },
    });

    const { partitionColumn, dataRoot } = DELIVERY_LAYOUT;
    const location = `s3://${props.dataBucket.bucketName}/${dataRoot}`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: CTR_TABLE_NAME,
        description: 'One row per CTR version delivered by Firehose (exact duplicates removed)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: partitionColumn, type: 'string' }],
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          [`projection.${partitionColumn}.type`]: 'date',
          [`projection.${partitionColumn}.format`]: 'yyyy-MM-dd',
          [`projection.${partitionColumn}.range`]: `${props.projectionStartDate ?? '2017-01-01'},NOW`,
          [`projection.${partitionColumn}.interval`]: '1',
          [`projection.${partitionColumn}.interval.unit`]: 'DAYS',
          'storage.location.template': `${location}${partitionColumn}=\${${partitionColumn}}/`,
        },
        storageDescriptor: {
          location,
          // Glue lowercases column names; the OpenX SerDe matches JSON keys case-insensitively.
          columns: CTR_COLUMNS.map((c) => ({ name: c.name.toLowerCase(), type: toGlueType(c.type) })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          compressed: true,
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: { 'case.insensitive': 'TRUE', 'ignore.malformed.json': 'FALSE' },
          },
        },
      },
    });
    this.table.node.addDependency(this.database);

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Queries over deduplicated CTRs',
      state: 'ENABLED',
      recursiveDeleteOption: props.destroyOnRemoval ?? false,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }
}
