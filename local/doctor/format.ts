import type { DoctorReport } from './run';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** The checklist: one line a check (PASS/FAIL/SKIP, what, what was found), the next step under each failure. */
export function formatReport(report: DoctorReport): string {
  const lines = [`ctr doctor: stack ${report.stack}, run ${report.runId}`, ''];
  for (const c of report.checks) {
    lines.push(`[${MARK[c.status]}] ${c.title}: ${c.detail}`);
    if (c.status !== 'pass' && c.next) lines.push(`       next: ${c.next}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(
    '',
    failed === 0
      ? `All ${report.checks.length - report.checks.filter((c) => c.status === 'skip').length} checks passed.`
      : `${failed} of ${report.checks.length} checks failed.`,
  );
  return lines.join('\n');
}
