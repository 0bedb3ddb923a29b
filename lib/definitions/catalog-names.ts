// Names of the stack's Glue database, table and Athena workgroup: the CDK construct uses them, and so does
// `ctr query`, which must not load aws-cdk-lib just to know them.
import { RAW_TABLE_NAME } from '../../analytics/definitions';

/** Name of the CTR table in the stack's Glue database. */
export const CTR_TABLE_NAME = RAW_TABLE_NAME;

/** Key prefix of Athena query results in the results bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

/** Athena engine the workgroup is pinned to (a `ListEngineVersions` name). */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

/** Glue database and Athena workgroup names of a stack: derived from its name so that two stacks cannot collide. */
export function catalogNames(stackName: string): { readonly databaseName: string; readonly workGroupName: string } {
  return {
    databaseName: `${stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_ctr`,
    workGroupName: `${stackName}-ctr`,
  };
}
