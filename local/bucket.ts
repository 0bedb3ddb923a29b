import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/** One object of a listing. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
}

/**
 * Lists every object of a bucket (optionally under a prefix), in key order, through the S3 API.
 *
 * ListObjects (version 1) paged by `Marker`, not ListObjectsV2: s3rver 3.7.1 builds V2's
 * `NextContinuationToken` with the DES cipher, which Node's OpenSSL 3 refuses without the legacy provider,
 * so every V2 listing of more than 1,000 keys answered HTTP 500 `InternalError` (a run of about 100,000
 * CTRs writes that many objects). V1 pages need no token: "if the response is truncated and does not include
 * NextMarker, use the value of the last Key element in the response as the marker"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html), so AWS's S3 serves it the same way.
 */
export async function listObjects(s3: S3Client, bucket: string, prefix?: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker }));
    const batch = (page.Contents ?? [])
      .filter((c) => c.Key !== undefined && c.Key !== '')
      .map((c) => ({ key: c.Key!, size: c.Size ?? 0 }));
    objects.push(...batch);
    if (!page.IsTruncated || batch.length === 0) return objects;
    marker = page.NextMarker ?? batch[batch.length - 1].key;
  }
}

/** Lists every key of a bucket (optionally under a prefix) through the S3 API. */
export async function listKeys(s3: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  return (await listObjects(s3, bucket, prefix)).map((o) => o.key);
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
