process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_S3_MAX_ATTEMPTS } from '../../local/clients';
import { type LocalEnvironment, startLocalEnvironment } from '../../local/environment';
import { addAttemptHook } from '../../local/faults/aws-middleware';
import { runLocalPipeline } from '../../local/pipeline';
import { canonical, generateCorpus } from './corpus';
import { deliveredLines } from './delivered';

// S3's error document for HTTP 500 (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
const S3_INTERNAL_ERROR =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>injected</RequestId></Error>';

// Issue 11, finding 10: s3rver answering HTTP 500 `InternalError` in streaks (as it does on a loaded machine)
// ended a whole run. Every S3 call of the local stand-ins goes through the one local S3 client, which must
// retry past such a streak: here each call's first attempts (more than the SDK's default 3) fail.
describe('local S3 writes retry an internal error', () => {
  const corpus = generateCorpus(60, 3);
  const failedAttemptsPerCall = 4;
  let env: LocalEnvironment;
  let outDir: string;
  const injected = new Map<string, number>();

  beforeAll(async () => {
    env = await startLocalEnvironment({ eventSource: { batchSize: 10 } });
    addAttemptHook(env.clients.s3, 'inject-s3-internal-error', {
      before: ({ command, attempt }) => {
        if (!['PutObjectCommand', 'GetObjectCommand'].includes(command) || attempt > failedAttemptsPerCall)
          return undefined;
        injected.set(command, (injected.get(command) ?? 0) + 1);
        return { statusCode: 500, body: S3_INTERNAL_ERROR };
      },
    });
    outDir = await mkdtemp(join(tmpdir(), 'ctr-s3-500-'));
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  test('allows more attempts than the failing streak', () => {
    expect(LOCAL_S3_MAX_ATTEMPTS).toBeGreaterThan(failedAttemptsPerCall);
  });

  test('the run delivers every CTR once, its Firehose writes and export having met the errors', async () => {
    await runLocalPipeline(env, corpus.lines, { outDir, sql: false });
    const lines = deliveredLines(outDir).map((d) => canonical(JSON.parse(d.line)));
    expect(new Set(lines)).toEqual(corpus.expected);
    expect(lines).toHaveLength(corpus.expected.size);
    // Faults really fired on the writes (Firehose's objects) and on the reads (the export).
    expect(injected.get('PutObjectCommand')).toBeGreaterThan(0);
    expect(injected.get('GetObjectCommand')).toBeGreaterThan(0);
  }, 240_000);
});
