import * as athena from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import type { SqlDefinition } from '../analytics/sql-file';

/** Props of {@link CtrNamedQueries}. */
export interface CtrNamedQueriesProps {
  /** Workgroup the queries are saved in (they show under its "Saved queries"). */
  readonly workGroup: athena.CfnWorkGroup;
  /** Database the queries run against. */
  readonly databaseName: string;
  /** The queries, read from their `.sql` files at synth. */
  readonly queries: readonly SqlDefinition[];
  /** Resources created first (database, views). @default none */
  readonly dependsOn?: readonly Construct[];
}

/**
 * Ready-made Athena queries (`AWS::Athena::NamedQuery`) in the workgroup, one per `.sql` file.
 * L1 only: aws-cdk-lib has no L2 for Athena named queries.
 */
export class CtrNamedQueries extends Construct {
  /** The named queries, by name. */
  readonly queries: Readonly<Record<string, athena.CfnNamedQuery>>;

  constructor(scope: Construct, id: string, props: CtrNamedQueriesProps) {
    super(scope, id);
    const queries: Record<string, athena.CfnNamedQuery> = {};
    for (const query of props.queries) {
      const named = new athena.CfnNamedQuery(this, query.name, {
        name: query.name,
        description: query.description.slice(0, 1024),
        database: props.databaseName,
        workGroup: props.workGroup.ref,
        queryString: query.sql,
      });
      // The workgroup's name is a literal; Ref makes CloudFormation create it first, dependsOn the rest.
      for (const dep of props.dependsOn ?? []) named.node.addDependency(dep);
      queries[query.name] = named;
    }
    this.queries = queries;
  }
}
