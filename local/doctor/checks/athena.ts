import { BatchGetNamedQueryCommand, paginateListNamedQueries } from '@aws-sdk/client-athena';
import { NAMED_QUERIES, VIEWS } from '../../../analytics/definitions';
import { AthenaQueryFailedError } from '../../../analytics/errors';
import { runAthenaQuery } from '../../sql/athena-query';
import { setupProblem } from '../errors';
import type { CheckResult, DoctorContext } from '../types';

/** The named queries saved in the workgroup, by name (ListNamedQueries, then BatchGetNamedQuery by 50). */
async function savedQueries(ctx: DoctorContext): Promise<Map<string, { sql: string; database: string }>> {
  const ids: string[] = [];
  for await (const page of paginateListNamedQueries(
    { client: ctx.clients.athena },
    { WorkGroup: ctx.outputs.AthenaWorkGroupName },
  )) {
    ids.push(...(page.NamedQueryIds ?? []));
  }
  const saved = new Map<string, { sql: string; database: string }>();
  for (let i = 0; i < ids.length; i += 50) {
    const { NamedQueries = [] } = await ctx.clients.athena.send(
      new BatchGetNamedQueryCommand({ NamedQueryIds: ids.slice(i, i + 50) }),
    );
    for (const q of NamedQueries)
      saved.set(q.Name ?? '', { sql: q.QueryString ?? '', database: q.Database ?? ctx.outputs.GlueDatabaseName });
  }
  return saved;
}

/** Runs one statement in the stack's workgroup; a failure carries Athena's own error text. */
async function runOne(
  ctx: DoctorContext,
  id: string,
  title: string,
  sql: string,
  database: string,
): Promise<CheckResult> {
  try {
    const { rows } = await runAthenaQuery(ctx.clients.athena, sql, {
      workGroup: ctx.outputs.AthenaWorkGroupName,
      database,
      pollIntervalMs: Math.min(ctx.timing.pollIntervalMs, 2000),
      sleep: ctx.timing.sleep,
    });
    return { id, title, status: 'pass', detail: `${rows.length} row${rows.length === 1 ? '' : 's'}` };
  } catch (err) {
    const setup = setupProblem(err);
    if (setup) throw setup;
    const reason =
      err instanceof AthenaQueryFailedError
        ? (err.reason ?? err.state)
        : `${(err as Error).name}: ${(err as Error).message}`;
    return {
      id,
      title,
      status: 'fail',
      detail: `Athena: ${reason}`,
      next: `Run it in the Athena console (workgroup ${ctx.outputs.AthenaWorkGroupName}) to see the error in context; a stack from an older version needs "npm run cdk -- deploy".`,
    };
  }
}

/**
 * `ctr_typed`, `ctr_latest` and every named query of this version, run on Athena in the stack's workgroup
 * (the saved text, so what is deployed is what runs). A named query missing from the workgroup fails too.
 */
export async function athenaChecks(ctx: DoctorContext): Promise<CheckResult[]> {
  const db = ctx.outputs.GlueDatabaseName;
  const views = [...VIEWS]
    .reverse()
    .map((v) =>
      runOne(ctx, `athena:${v.name}`, `Athena: SELECT from view ${v.name}`, `SELECT * FROM ${v.name} LIMIT 10`, db),
    );
  const saved = await savedQueries(ctx);
  const queries = NAMED_QUERIES.map(async (q): Promise<CheckResult> => {
    const found = saved.get(q.name);
    if (!found) {
      return {
        id: `athena:${q.name}`,
        title: `Athena: named query ${q.name}`,
        status: 'fail',
        detail: `not saved in workgroup ${ctx.outputs.AthenaWorkGroupName}`,
        next: 'Deploy this version of the stack ("npm run cdk -- deploy").',
      };
    }
    return runOne(ctx, `athena:${q.name}`, `Athena: named query ${q.name}`, found.sql, found.database);
  });
  ctx.progress(
    `running ${views.length + queries.length} queries on Athena in workgroup ${ctx.outputs.AthenaWorkGroupName}`,
  );
  return Promise.all([...views, ...queries]);
}
