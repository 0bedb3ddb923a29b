import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { localKinesisClient } from '../../local/clients';
import { startKinesis } from '../../local/servers/kinesis';
import type { RunningServer } from '../../local/servers/listen';
import { generateCorpus } from './corpus';

// `ctr replay` as a user runs it, against kinesalite through the SDK's standard endpoint variable.
const CTR = join(__dirname, '../../local/cli/ctr.js');

function ctr(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CTR, ...args], {
      env: { ...process.env, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('ctr replay (spawned)', () => {
  let server: RunningServer;
  let kinesis: KinesisClient;
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startKinesis();
    kinesis = localKinesisClient(server.endpoint);
    await kinesis.send(new CreateStreamCommand({ StreamName: 'replay-target', ShardCount: 1 }));
    dir = mkdtempSync(join(tmpdir(), 'ctr-cli-replay-'));
    env = {
      AWS_ENDPOINT_URL_KINESIS: server.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
    };
  });
  afterAll(async () => {
    kinesis?.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('sends every record, saves its checkpoint, and sends nothing when run again', async () => {
    const corpus = generateCorpus(50, 8);
    const input = join(dir, 'history.ndjson');
    writeFileSync(input, corpus.lines.join('\n'));
    const first = await ctr(['replay', '--input', input, '--stream', 'replay-target', '--json'], env, dir);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { sent: number; records: number; checkpoint: string };
    expect(summary).toMatchObject({ records: corpus.lines.length, sent: corpus.lines.length });
    expect(summary.checkpoint).toMatch(/\.ctr-replay-[0-9a-f]{12}\.json$/);
    const again = await ctr(['replay', '--input', input, '--stream', 'replay-target', '--json'], env, dir);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, skipped: corpus.lines.length });
  });

  test('dry run needs no stream; a missing stream option is a usage error', async () => {
    const input = join(dir, 'dry.ndjson');
    writeFileSync(input, generateCorpus(10, 2).lines.join('\n'));
    const dry = await ctr(['replay', input, '--dry-run'], env, dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Replay dry run[\s\S]*shards needed\s+1 \(at 1 records\/s\)/);
    const usage = await ctr(['replay', input], env, dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/give the stream: --stream NAME or --stack NAME/);
  });
});
