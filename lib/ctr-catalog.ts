import { Aws, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NAMED_QUERIES, VIEWS } from '../analytics/definitions';
import { checkTimeZone, DEFAULT_TIME_ZONE, InvalidTimeZoneError, withTimeZone } from '../analytics/time-zone';
import { CtrViews } from './ctr-views';
import {
  ATHENA_ENGINE_VERSION,
  ATHENA_RESULTS_PREFIX,
  CTR_TABLE_NAME,
  catalogNames,
} from './definitions/catalog-names';
import { CTR_COLUMNS, toGlueType } from './definitions/ctr-schema';
import { DELIVERY_LAYOUT } from './definitions/delivery-layout';
import { InvalidSettingError } from './errors';
import { CtrNamedQueries } from './named-queries';
import { PARQUET_STORAGE } from './parquet-conversion';

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
  /**
   * IANA time zone of the contact center: the views and named queries count dates, hours and intervals in it.
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/**
 * Glue database and CTR table (Parquet, written by Firehose's record format conversion) over `ctr/` with partition projection on `dt` (no crawler, no
 * `MSCK REPAIR`), the views over it (`ctr_latest`, `ctr_typed`), an Athena workgroup that enforces its
 * result location and encryption, and the named queries saved in it.
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
  /** Views over the table (`analytics/views/*.sql`). */
  readonly views: CtrViews;
  /** Named queries in the workgroup (`analytics/queries/*.sql`). */
  readonly namedQueries: CtrNamedQueries;

  constructor(scope: Construct, id: string, props: CtrCatalogProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    // Glue and Athena require names; derive them from the stack so that a second stack cannot collide.
    ({ databaseName: this.databaseName, workGroupName: this.workGroupName } = catalogNames(stackName));

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'Deduplicated Amazon Connect contact trace records' },
    });

    this.table = this.createTable(props);
    this.table.node.addDependency(this.database);

    this.workGroup = this.createWorkGroup(props);

    const timeZone = stackTimeZone(props.timeZone);
    this.views = new CtrViews(this, 'Views', {
      database: this.database,
      databaseName: this.databaseName,
      views: VIEWS.map((v) => withTimeZone(v, timeZone)),
      dependsOn: [this.table],
    });
    this.namedQueries = new CtrNamedQueries(this, 'NamedQueries', {
      workGroup: this.workGroup,
      databaseName: this.databaseName,
      queries: NAMED_QUERIES.map((q) => withTimeZone(q, timeZone)),
      dependsOn: [this.database],
    });
  }

  /** The CTR table: JSON (gzip) under the data root, partitioned by contact date through partition projection. */
  private createTable(props: CtrCatalogProps): glue.CfnTable {
    const { partitionColumn, dataRoot } = DELIVERY_LAYOUT;
    const location = `s3://${props.dataBucket.bucketName}/${dataRoot}`;
    return new glue.CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: CTR_TABLE_NAME,
        description: 'One row per CTR version delivered by Firehose (exact duplicates removed)',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: partitionColumn, type: 'string' }],
        parameters: {
          classification: 'parquet',
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
          // Glue lowercases column names. Firehose's record format conversion reads this schema (its latest
          // version) and maps each column to its exact JSON key (lib/parquet-conversion.ts); Athena then reads
          // the Parquet columns by name, so views and named queries see the same columns as with JSON.
          columns: CTR_COLUMNS.map((c) => ({ name: c.name.toLowerCase(), type: toGlueType(c.type) })),
          inputFormat: PARQUET_STORAGE.inputFormat,
          outputFormat: PARQUET_STORAGE.outputFormat,
          serdeInfo: {
            serializationLibrary: PARQUET_STORAGE.serializationLibrary,
            parameters: { 'serialization.format': '1' },
          },
        },
      },
    });
  }

  private createWorkGroup(props: CtrCatalogProps): athena.CfnWorkGroup {
    return new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Queries over deduplicated CTRs',
      state: 'ENABLED',
      recursiveDeleteOption: props.destroyOnRemoval ?? false,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
        // The views' column types (timestamp(3), Trino functions) are engine version 3's; AUTO could run them
        // on whatever version Athena picks for the account.
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }
}

/** The time zone prop checked at synth: a bad name fails the synth with the setting's name in the message. */
function stackTimeZone(timeZone: string | undefined): string {
  try {
    return checkTimeZone(timeZone ?? DEFAULT_TIME_ZONE);
  } catch (err) {
    if (err instanceof InvalidTimeZoneError)
      throw new InvalidSettingError('timeZone', 'an IANA time zone name such as "Asia/Seoul"', timeZone);
    throw err;
  }
}
