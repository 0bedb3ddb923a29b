import type { FaultReport } from '../faults/catalog';
import type { RunSummary } from '../pipeline';
import type { VerifyReport } from '../verify';

/** The human summary of a run, with the daily-contacts table. */
export function formatSummary(s: RunSummary, outLocation: string): string {
  const rows: Array<[string, number]> = [
    ['records in', s.recordsIn],
    ['sent to the stream', s.sent],
    ['too large for the stream', s.tooLargeForStream],
    ['forwarded to Firehose', s.forwarded],
    ['delivered to S3 (ctr/)', s.delivered],
    ['duplicates dropped', s.duplicatesDropped],
    ['quarantined', s.quarantined],
    ['failed (failure destination)', s.failedRecords],
    ['Firehose partitioning errors', s.firehoseErrors],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [
    `Local pipeline run (${(s.elapsedMs / 1000).toFixed(1)} s)${s.interrupted ? ', interrupted by Ctrl-C: the input was not read to its end' : ''}`,
  ];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${String(value).padStart(7)}`);
  const o = s.objectsWritten;
  lines.push(
    `  objects written: ${o.ctr} ctr, ${o.quarantine} quarantine, ${o.failures} failures, ${o.firehoseErrors} firehose-errors`,
  );
  lines.push('', 'Daily contacts (DuckDB, distinct ContactId per dt)');
  if (s.dailyContacts.length === 0) lines.push('  (no delivered records)');
  else {
    lines.push(`  ${'dt'.padEnd(10)}  ${'contacts'.padStart(8)}  ${'records'.padStart(8)}`);
    for (const d of s.dailyContacts) {
      lines.push(`  ${d.dt.padEnd(10)}  ${String(d.contacts).padStart(8)}  ${String(d.records).padStart(8)}`);
    }
  }
  if (s.dailyVolume) {
    lines.push('', 'Daily contact volume (named query daily_contact_volume: latest version of each contact)');
    lines.push(formatTable(s.dailyVolume));
  }
  lines.push('', `Objects: ${outLocation}`);
  return lines.join('\n');
}

/** Rows as a text table: a header, numbers right-aligned, NULL for missing values. */
export function formatTable(result: {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Record<string, string | number | boolean | null>>;
}): string {
  if (result.rows.length === 0) return '  (no rows)';
  const cell = (v: string | number | boolean | null) => (v === null ? 'NULL' : String(v));
  const widths = result.columns.map((c) => Math.max(c.length, ...result.rows.map((r) => cell(r[c]).length)));
  const numeric = result.columns.map((c) => result.rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  const line = (values: string[]) =>
    `  ${values.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ')}`.trimEnd();
  return [line([...result.columns]), ...result.rows.map((r) => line(result.columns.map((c) => cell(r[c]))))].join('\n');
}

/** The injected faults' counters and the `--verify` comparison, for a terminal. */
export function formatFaultRun(faults: FaultReport | undefined, verify: VerifyReport | undefined): string {
  const lines: string[] = [];
  if (faults) {
    lines.push('', 'Faults injected');
    for (const [name, counts] of Object.entries(faults)) {
      lines.push(
        `  ${name}: ${Object.entries(counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
  }
  if (verify) {
    const reasons =
      Object.entries(verify.quarantineReasons)
        .map(([r, n]) => `${r} ${n}`)
        .join(', ') || 'none';
    lines.push(
      '',
      `Verify (delivered set against the input): ${verify.ok ? 'OK' : 'FAILED'}`,
      `  expected distinct CTRs  ${verify.expectedDistinct}`,
      `  delivered lines         ${verify.deliveredLines}`,
      `  lost                    ${verify.lost}`,
      `  duplicated              ${verify.duplicated}`,
      `  unexpected              ${verify.unexpected}`,
      `  quarantined             ${verify.quarantined} of ${verify.expectedQuarantine} expected (${reasons}), missing ${verify.quarantineMissing}`,
      `  failure destination     ${verify.failedRecords}`,
      `  latest-version errors   ${verify.latestMismatches}`,
    );
  }
  return lines.join('\n');
}
