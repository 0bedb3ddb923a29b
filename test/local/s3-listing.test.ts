import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { listKeys } from '../../local/bucket';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localS3Client } from '../../local/clients';
import { s3Sources } from '../../local/replay/s3-sources';
import type { RunningServer } from '../../local/servers/listen';
import { startS3 } from '../../local/servers/s3';

// Issue 12: runs of 100,000 CTRs and more stopped after delivery on s3rver's HTTP 500 "We encountered an internal
// error". The cause: a listing of more than 1,000 keys (one page) made s3rver build a ListObjectsV2 continuation
// token with DES, which Node's OpenSSL 3 refuses. A bucket of 1,001 objects shows it in seconds.
describe('listing a local bucket of more than one page', () => {
  const bucket = 'many';
  const count = 1001;
  let dir: string;
  let server: RunningServer;
  let s3: S3Client;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ctr-s3-list-'));
    server = await startS3(dir);
    s3 = localS3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const keys = Array.from({ length: count }, (_, i) => `ctr/${String(i).padStart(5, '0')}.json`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(
        keys.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: '{}\n' }))),
      );
  }, 120_000);
  afterAll(async () => {
    s3?.destroy();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('listKeys returns every key, in order', async () => {
    const keys = await listKeys(s3, bucket);
    expect(keys).toHaveLength(count);
    expect(keys[0]).toBe('ctr/00000.json');
    expect(keys[count - 1]).toBe('ctr/01000.json');
    expect(new Set(keys).size).toBe(count);
  });

  test('a replay from the prefix finds every object', async () => {
    const sources = await s3Sources(s3, `s3://${bucket}/ctr/`);
    expect(sources).toHaveLength(count);
    expect(sources.every((s) => s.bytes === 3)).toBe(true);
  });

  test("s3rver's own failure reaches the caller in words, not as the generic internal error", async () => {
    // One attempt: the failure is the server's, the same on every retry.
    const once = new S3Client({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: server.endpoint,
      forcePathStyle: true,
      maxAttempts: 1,
    });
    try {
      await expect(once.send(new ListObjectsV2Command({ Bucket: bucket }))).rejects.toThrow(
        /^the local S3 server \(s3rver\) failed: .*digital envelope routines/,
      );
    } finally {
      once.destroy();
    }
  });
});
