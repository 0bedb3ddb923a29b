import type { ReportChart } from './charts';

/** A chart as it goes on the page: its SVG, or why it is missing, or the note that its query found no rows. */
export type RenderedChart =
  | { readonly chart: ReportChart; readonly status: 'drawn'; readonly svg: string }
  | { readonly chart: ReportChart; readonly status: 'empty' }
  | { readonly chart: ReportChart; readonly status: 'missing'; readonly reason: string };

/** What the page says about where its numbers come from. */
export interface ReportHeading {
  /** `DuckDB over DIR` or `Athena workgroup W, database D`. */
  readonly source: string;
  readonly timeZone: string;
  /** When the report was built (ISO-8601). */
  readonly builtAt: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1320px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .meta { color: #555; margin-top: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(590px, 1fr)); gap: 1.5rem; }
figure { margin: 0; padding: 1rem; border: 1px solid #ddd; border-radius: 6px; overflow-x: auto; }
figure h2 { font-size: 1.05rem; margin: 0 0 0.2rem; } figcaption { color: #555; font-size: 0.85rem; margin-bottom: 0.6rem; }
.missing { border-color: #c62828; background: #fff5f5; } .missing p { color: #c62828; font-weight: 600; }
.empty p { color: #777; font-style: italic; }
`;

function figure(rendered: RenderedChart): string {
  const { chart } = rendered;
  const head = `<h2>${escapeHtml(chart.title)}</h2><figcaption>${escapeHtml(chart.caption)} <code>${escapeHtml(chart.query)}</code></figcaption>`;
  const attrs = `id="${escapeHtml(chart.id)}" data-query="${escapeHtml(chart.query)}" data-mark="${chart.mark}" data-status="${rendered.status}"`;
  if (rendered.status === 'drawn') return `<figure class="chart" ${attrs}>${head}${rendered.svg}</figure>`;
  if (rendered.status === 'empty')
    return `<figure class="chart empty" ${attrs}>${head}<p>No rows: the query found nothing to draw.</p></figure>`;
  return `<figure class="chart missing" ${attrs}>${head}<p>Missing: ${escapeHtml(rendered.reason)}</p></figure>`;
}

/** The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched. */
export function reportHtml(charts: readonly RenderedChart[], heading: ReportHeading): string {
  const missing = charts.filter((c) => c.status === 'missing').length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Contact center report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Contact center report</h1>
<p class="meta">Source: ${escapeHtml(heading.source)} · Time zone: ${escapeHtml(heading.timeZone)} · Built ${escapeHtml(heading.builtAt)}${
    missing > 0 ? ` · <strong>${missing} chart${missing === 1 ? '' : 's'} missing</strong>` : ''
  }</p>
<div class="charts">
${charts.map(figure).join('\n')}
</div>
</body>
</html>
`;
}
