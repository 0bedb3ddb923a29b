import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** Lists every key of a bucket (optionally under a prefix) through the S3 API. */
export async function listKeys(s3: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  let startAfter: string | undefined;
  // Pages by StartAfter rather than continuation tokens: s3rver's tokens need OpenSSL's legacy provider on Node 20.
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: startAfter }));
    const batch = (page.Contents ?? []).map((c) => c.Key ?? '').filter((k) => k !== '');
    keys.push(...batch);
    if (!page.IsTruncated || batch.length === 0) return keys;
    startAfter = batch[batch.length - 1];
  }
}

/** Reads one object's bytes through the S3 API. */
export async function getObjectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

/** Copies objects to `dir/<key>`, so the directory mirrors the bucket's layout. Returns how many were written. */
export async function exportObjects(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  dir: string,
): Promise<number> {
  const root = resolve(dir);
  for (const key of keys) {
    const target = resolve(join(root, key));
    // Keys come from our own bucket, but a key with `..` must still not escape the directory.
    if (!target.startsWith(root + sep)) throw new Error(`object key escapes the output directory: ${key}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await getObjectBytes(s3, bucket, key));
  }
  return keys.length;
}
