// Quarantine warnings per record would bury the test output.
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DEDUP_ENV } from '../../lambda-dedup/src/constants';
import { callerToken } from '../../lambda-dedup/src/pseudonymize';
import { LOCAL_PSEUDONYMIZATION_KEY, type LocalEnvironment, startLocalEnvironment } from '../../local/environment';
import { type RunSummary, runLocalPipeline } from '../../local/pipeline';
import { runLocalNamedQuery } from '../../local/sql/local-analytics';
import { deliveredRows, filesUnder } from './delivered';

const template = JSON.parse(readFileSync(join(__dirname, '../../samples/case1.json'), 'utf8')) as Record<
  string,
  unknown
>;
const CALLERS = ['+190011112222', '+14155550123', '+447700900123'];

/** Inbound contacts on one day: caller 0 calls three times (two within 24 h), the others once; each sent twice. */
function records(): string[] {
  const calls: Array<[number, string]> = [
    [0, '2022-01-05T08:00:00Z'],
    [0, '2022-01-05T09:30:00Z'],
    [1, '2022-01-05T10:00:00Z'],
    [2, '2022-01-05T11:00:00Z'],
    [0, '2022-01-05T15:00:00Z'],
  ];
  const ctrs = calls.map(([caller, at], i) =>
    JSON.stringify({
      ...template,
      ContactId: `pseudo-${i}`,
      InitiationTimestamp: at,
      CustomerEndpoint: { Address: CALLERS[caller], Type: 'TELEPHONE_NUMBER' },
      Attributes: { CallbackNumber: CALLERS[caller], Language: 'en' },
    }),
  );
  return [...ctrs, ...ctrs];
}

/** Every object the run left under `prefix`, as text: gunzipped, and Parquet decoded to JSON lines (a compressed page could hide a number). */
async function objectTexts(outDir: string, prefix: string): Promise<string[]> {
  const keys = filesUnder(outDir).filter((k) => k.startsWith(prefix));
  const texts = keys
    .filter((k) => !k.endsWith('.parquet'))
    .map((k) => {
      const bytes = readFileSync(join(outDir, k));
      return k.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    });
  if (keys.some((k) => k.endsWith('.parquet')))
    texts.push((await deliveredRows(outDir)).map((r) => JSON.stringify(r)).join('\n'));
  return texts;
}

/** Runs the local pipeline on `records()` with the given dedup settings; the output folder and summary. */
function useRun(options: { pseudonymize: boolean; fingerprintMode: string }) {
  const run = {} as { env: LocalEnvironment; outDir: string; summary: RunSummary };
  beforeAll(async () => {
    // The emulator module reads its Kinesis endpoint when loaded; startLocalEnvironment reloads it through
    // require.cache, which jest's module registry ignores: reset the registry so this file's second and third
    // environments do not send to the first one's (stopped) Kinesis.
    jest.resetModules();
    run.env = await startLocalEnvironment({
      pseudonymize: options.pseudonymize,
      dedupEnv: {
        [DEDUP_ENV.pseudonymizedPaths]: 'Attributes.CallbackNumber',
        [DEDUP_ENV.fingerprintMode]: options.fingerprintMode,
      },
    });
    run.outDir = await mkdtemp(join(tmpdir(), 'ctr-pseudo-'));
    run.summary = await runLocalPipeline(run.env, records(), { outDir: run.outDir });
  });
  afterAll(async () => {
    await run.env?.stop();
    if (run.outDir) await rm(run.outDir, { recursive: true, force: true });
  });
  return run;
}

// The "in either mode": both fingerprint modes (canonical JSON, raw bytes) end to end, with
// pseudonymization on (the default). With it off (`-c pseudonymize=false`), numbers are delivered in clear, as
// received: the last block checks that the switch does what docs/privacy.md says, and nothing more.
describe.each(['canonical', 'raw'])(
  'pseudonymized callers in the local pipeline (as ctr local runs it, local key), fingerprint mode %s',
  (fingerprintMode) => {
    const run = useRun({ pseudonymize: true, fingerprintMode });

    test.each(['ctr/', 'backup/'])(
      'no raw customer number anywhere under %s; tokens in its place; duplicates still dropped',
      async (prefix) => {
        expect(run.summary).toMatchObject({ sent: 10, forwarded: 5, delivered: 5, duplicatesDropped: 5 });
        const texts = await objectTexts(run.outDir, prefix);
        expect(texts.length).toBeGreaterThan(0);
        for (const text of texts) for (const number of CALLERS) expect(text).not.toContain(number);
        const lines = texts
          .flatMap((t) => t.split('\n').filter(Boolean))
          .map((l) => JSON.parse(l) as Record<string, any>);
        const key = Buffer.from(LOCAL_PSEUDONYMIZATION_KEY);
        expect(lines.map((l) => l.CustomerEndpoint.Address).sort()).toEqual(
          [0, 0, 0, 1, 2].map((i) => callerToken(key, CALLERS[i])).sort(),
        );
        for (const line of lines) expect(line.Attributes.CallbackNumber).toBe(line.CustomerEndpoint.Address);
        // The contact center's own number is kept.
        expect(
          lines.every((l) => l.SystemEndpoint.Address === (template.SystemEndpoint as { Address: string }).Address),
        ).toBe(true);
      },
    );

    test("repeat callers still link a caller's contacts through the token", async () => {
      // Caller 0 at 08:00, 09:30 and 15:00: the first two have a repeat within 24 h (and 7 days), the rest none.
      const repeats = await runLocalNamedQuery(run.outDir, 'repeat_callers');
      expect(repeats.rows).toEqual([
        expect.objectContaining({
          contact_date: '2022-01-05',
          contacts: 5,
          repeated_within_24h: 2,
          repeated_within_7d: 2,
        }),
      ]);
    });
  },
);

describe('pseudonymization switched off (-c pseudonymize=false): callers delivered as received', () => {
  const run = useRun({ pseudonymize: false, fingerprintMode: 'canonical' });

  test('the backup holds each distinct record byte for byte, numbers in clear; ctr/ holds the same numbers', async () => {
    expect(run.summary).toMatchObject({ sent: 10, delivered: 5, duplicatesDropped: 5 });
    const backup = (await objectTexts(run.outDir, 'backup/')).flatMap((t) => t.split('\n').filter(Boolean));
    expect(backup.sort()).toEqual([...new Set(records())].sort());
    const rows = (await objectTexts(run.outDir, 'ctr/')).flatMap((t) => t.split('\n').filter(Boolean));
    expect(rows.map((l) => JSON.parse(l).CustomerEndpoint.Address).sort()).toEqual(
      [0, 0, 0, 1, 2].map((i) => CALLERS[i]).sort(),
    );
  });
});
