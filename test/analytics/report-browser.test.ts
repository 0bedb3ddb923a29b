import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { buildReport } from '../../local/report/build-report';
import { REPORT_CHARTS } from '../../local/report/charts';
import { generateAnalyticsCorpus, seedRecords } from './corpus';
import { writeDeliveredDir } from './delivered-dir';

// Debian's chromium package (.ci/run installs it), driven headless by playwright-core with nothing that
// reaches out to the network: the report must render from the file alone.
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Set to a path to keep the sample-data screenshot (the README's docs/report.png is made this way).
const SAMPLE_SCREENSHOT = process.env.REPORT_SCREENSHOT;
// Set to a path to keep the full-corpus screenshot, to look at; otherwise it goes with the work folder.
const KEEP_CORPUS_SCREENSHOT = process.env.REPORT_CORPUS_SCREENSHOT;

/** What the browser saw of one chart figure. */
interface SeenChart {
  id: string;
  status: string;
  svgWidth: number;
  svgHeight: number;
  marks: number;
}

describe('the report in headless Chromium', () => {
  const work = mkdtempSync(join(tmpdir(), 'ctr-browser-'));
  let context: BrowserContext;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
  }, 600_000);
  afterAll(async () => {
    await context?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** Opens the page, collects console errors and any request that is not the file itself, and inspects each chart. */
  async function open(file: string, screenshot: string) {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => r.url() !== pathToFileURL(file).href && requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const charts: SeenChart[] = await page.$$eval('figure.chart', (figures) =>
      figures.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          id: f.id,
          status: f.getAttribute('data-status') ?? '',
          svgWidth: box?.width ?? 0,
          svgHeight: box?.height ?? 0,
          marks: f.querySelectorAll(`g.mark-${f.getAttribute('data-mark')} path`).length,
        };
      }),
    );
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    return { errors, requests, charts };
  }

  test('every chart of a full corpus renders: a sized SVG with its marks, no console error, no request', async () => {
    const data = join(work, 'corpus');
    await writeDeliveredDir(data, generateAnalyticsCorpus(600).distinct);
    const file = join(work, 'corpus.html');
    writeFileSync(file, (await buildReport({ kind: 'local', out: data }, { timeZone: 'America/New_York' })).html);

    const png = join(work, 'corpus.png');
    const seen = await open(file, png);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    expect(seen.charts.map((c) => c.id)).toEqual(REPORT_CHARTS.map((c) => c.id));
    for (const chart of seen.charts) {
      expect({ id: chart.id, status: chart.status }).toEqual({ id: chart.id, status: 'drawn' });
      expect(chart.svgWidth).toBeGreaterThan(100);
      expect(chart.svgHeight).toBeGreaterThan(100);
      expect(chart.marks).toBeGreaterThan(0);
    }
    expect(existsSync(png)).toBe(true);
    if (KEEP_CORPUS_SCREENSHOT) copyFileSync(png, KEEP_CORPUS_SCREENSHOT);
  }, 600_000);

  test("the seed's samples: every chart drawn but abandonment (no abandoned contact), shown as a note", async () => {
    const data = join(work, 'samples');
    await writeDeliveredDir(data, [...new Map(seedRecords().map((r) => [JSON.stringify(r), r])).values()]);
    const file = join(work, 'samples.html');
    writeFileSync(file, (await buildReport({ kind: 'local', out: data })).html);
    const png = join(work, 'samples.png');

    const seen = await open(file, png);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    expect(seen.charts.filter((c) => c.status !== 'drawn').map((c) => [c.id, c.status])).toEqual([
      ['abandonment-by-wait', 'empty'],
    ]);
    expect(seen.charts.filter((c) => c.status === 'drawn' && c.marks === 0)).toEqual([]);
    if (SAMPLE_SCREENSHOT) copyFileSync(png, SAMPLE_SCREENSHOT);
  }, 600_000);
});
