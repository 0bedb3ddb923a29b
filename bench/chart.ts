/** One bar group: a batch size, and records/s per design. */
export interface ChartGroup {
  readonly label: string;
  readonly values: readonly { readonly series: string; readonly value: number }[];
}

const COLORS = ['#1b7837', '#d95f02', '#7570b3', '#e7298a', '#66a61e'];
const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Renders a grouped bar chart as standalone SVG (log scale, since the designs differ by orders of
 * magnitude). Hand-written: a few dozen lines, and chart packages on npm need a browser or canvas.
 */
export function renderBarChart(title: string, unit: string, groups: readonly ChartGroup[]): string {
  const series = [...new Set(groups.flatMap((g) => g.values.map((v) => v.series)))];
  const max = Math.max(10, ...groups.flatMap((g) => g.values.map((v) => v.value)));
  const top = 10 ** Math.ceil(Math.log10(max));
  const bottom = 1;
  const width = 760;
  const height = 420;
  const plot = { x: 80, y: 50, w: width - 260, h: height - 110 };
  const y = (v: number) => plot.y + plot.h - (Math.log10(Math.max(v, bottom)) / Math.log10(top)) * plot.h;
  const groupWidth = plot.w / Math.max(1, groups.length);
  const barWidth = Math.min(48, (groupWidth * 0.8) / Math.max(1, series.length));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">${escapeXml(title)}</text>`,
  ];
  for (let p = 0; 10 ** p <= top; p++) {
    const v = 10 ** p;
    out.push(`<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${plot.x - 6}" y="${y(v) + 4}" text-anchor="end">${v.toLocaleString('en-US')}</text>`);
  }
  out.push(
    `<text transform="translate(20 ${plot.y + plot.h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(unit)} (log scale)</text>`,
  );
  groups.forEach((group, g) => {
    const x0 = plot.x + g * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach((name, s) => {
      const value = group.values.find((v) => v.series === name)?.value;
      if (value === undefined) return;
      const x = x0 + s * barWidth;
      out.push(
        `<rect class="bar" data-series="${escapeXml(name)}" x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${(plot.y + plot.h - y(value)).toFixed(1)}" fill="${COLORS[s % COLORS.length]}"><title>${escapeXml(name)}: ${Math.round(value)}</title></rect>`,
      );
      out.push(
        `<text x="${(x + (barWidth - 4) / 2).toFixed(1)}" y="${(y(value) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${Math.round(value).toLocaleString('en-US')}</text>`,
      );
    });
    out.push(
      `<text x="${plot.x + g * groupWidth + groupWidth / 2}" y="${plot.y + plot.h + 20}" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  out.push(`<line x1="${plot.x}" x2="${plot.x}" y1="${plot.y}" y2="${plot.y + plot.h}" stroke="#333"/>`);
  out.push(
    `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${plot.y + plot.h}" y2="${plot.y + plot.h}" stroke="#333"/>`,
  );
  series.forEach((name, s) => {
    const ly = plot.y + 10 + s * 22;
    out.push(
      `<rect x="${plot.x + plot.w + 20}" y="${ly - 10}" width="14" height="14" fill="${COLORS[s % COLORS.length]}"/>`,
    );
    out.push(`<text x="${plot.x + plot.w + 40}" y="${ly + 1}">${escapeXml(name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
