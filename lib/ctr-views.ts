import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import type { ViewDefinition } from '../analytics/definitions';
import { toGlueType, toPrestoType } from './definitions/ctr-schema';
import { StackConfigError } from './errors';

/** Props of {@link CtrViews}. */
export interface CtrViewsProps {
  /** Glue database holding the views and the tables they read. */
  readonly database: glue.CfnDatabase;
  /** Name of that database (a literal string: it goes into each view's definition). */
  readonly databaseName: string;
  /** Views in creation order, with their SQL and declared columns. */
  readonly views: readonly ViewDefinition[];
  /** Resources the views read (the CTR table), created first. @default none */
  readonly dependsOn?: readonly Construct[];
}

/**
 * Athena views created by the deploy itself, as Glue tables of type `VIRTUAL_VIEW` whose original text
 * is a Presto view definition (`/* Presto View: base64(JSON) *\/` holding the SQL, catalog, schema and
 * column types), the form Athena's own `CREATE VIEW` writes.
 *
 * Chosen over a custom resource running `CREATE VIEW` through Athena: plain CloudFormation (no Lambda,
 * no Athena or S3 permissions, nothing for cdk-nag to flag), created, updated and deleted with the stack,
 * and no asynchronous query whose failure a deploy could miss. The price is that the column types must be
 * declared; `test/analytics` checks them against what DuckDB infers from the same SQL, since Athena
 * reports a view whose declared types do not fit its SQL as stale.
 */
export class CtrViews extends Construct {
  /** The view tables, by view name. */
  readonly views: Readonly<Record<string, glue.CfnTable>>;

  constructor(scope: Construct, id: string, props: CtrViewsProps) {
    super(scope, id);
    if (Token.isUnresolved(props.databaseName)) {
      throw new StackConfigError('CtrViews needs a literal databaseName: it is part of each view definition');
    }
    const views: Record<string, glue.CfnTable> = {};
    let previous: glue.CfnTable | undefined;
    for (const view of props.views) {
      const table = new glue.CfnTable(this, view.name, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: props.databaseName,
        tableInput: {
          name: view.name,
          description: view.description,
          tableType: 'VIRTUAL_VIEW',
          parameters: { presto_view: 'true', comment: 'Presto View' },
          viewOriginalText: prestoViewText(this, view, props.databaseName),
          viewExpandedText: '/* Presto View */',
          storageDescriptor: {
            columns: view.columns.map((c) => ({ name: c.name.toLowerCase(), type: toGlueType(c.type) })),
            // Athena's Glue metastore refuses a non-Iceberg table without SerDe info, views included
            // ("storage descriptor is missing SerDe info"); the views Athena creates itself carry `{}`.
            serdeInfo: {},
          },
        },
      });
      table.node.addDependency(props.database);
      for (const dep of props.dependsOn ?? []) table.node.addDependency(dep);
      // A view reads the views before it.
      if (previous) table.node.addDependency(previous);
      previous = table;
      views[view.name] = table;
    }
    this.views = views;
  }
}

/** The Presto view definition Athena reads from a Glue view's original text: the JSON Athena's own `CREATE VIEW` writes. */
export interface PrestoViewDefinition {
  readonly originalSql: string;
  readonly catalog: 'awsdatacatalog';
  readonly schema: string;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: string }>;
  /** Principal the view runs as when `runAsInvoker` is false: the account that deployed it. */
  readonly owner: string;
  /** False, as Athena writes it: a definer view (Trino refuses an owner together with `runAsInvoker: true`). */
  readonly runAsInvoker: false;
  readonly properties: Record<string, never>;
}

/** The Presto view definition of `view`, with `owner` left to the caller (a token in the stack). */
export function prestoViewDefinition(view: ViewDefinition, databaseName: string, owner: string): PrestoViewDefinition {
  return {
    originalSql: view.sql,
    catalog: 'awsdatacatalog',
    schema: databaseName,
    columns: view.columns.map((c) => ({ name: c.name.toLowerCase(), type: toPrestoType(c.type) })),
    owner,
    runAsInvoker: false,
    properties: {},
  };
}

/**
 * `/* Presto View: base64(JSON) *\/` for a view table. The owner holds the account id, known only at deploy
 * time, so the JSON is base64-encoded by CloudFormation (`Fn::Base64`) rather than at synth.
 */
export function prestoViewText(scope: Construct, view: ViewDefinition, databaseName: string): string {
  const owner = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`;
  const json = Stack.of(scope).toJsonString(prestoViewDefinition(view, databaseName, owner));
  return Fn.join('', ['/* Presto View: ', Fn.base64(json), ' */']);
}
