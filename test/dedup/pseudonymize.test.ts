import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { classifyRecord } from '../../lambda-dedup/src/classifyRecord';
import { BATCH_RECEIPT_PREFIX, CLAIM_ATTR } from '../../lambda-dedup/src/constants';
import { ConfigurationError, PseudonymizationKeyError } from '../../lambda-dedup/src/errors';
import { fingerprint } from '../../lambda-dedup/src/fingerprint';
import { keyFromString, secretsManagerKey, staticKey } from '../../lambda-dedup/src/pseudonymization-key';
import { callerToken, createPseudonymizer } from '../../lambda-dedup/src/pseudonymize';
import { handlerWithFakes } from './fakes';
import { ctr, duplicatedSamples, kinesisEvent, startDynamoDb, testConfig } from './helpers';

// Quiet: the metrics line is not what these tests check.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const KEY = keyFromString('k'.repeat(32), 'test');
const NUMBER = '+190011112222';
const line = (record: string) => Buffer.from(`${record}\n`);
const parse = (out: Buffer) => JSON.parse(out.toString('utf8')) as Record<string, Record<string, unknown>>;

describe('callerToken', () => {
  test('is HMAC-SHA-256 in hex (RFC 4231, test case 2)', () => {
    expect(callerToken(Buffer.from('Jefe'), 'what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  test('the same number gives the same token under one key, another under another key', () => {
    expect(callerToken(KEY, NUMBER)).toBe(callerToken(keyFromString('k'.repeat(32), 'again'), NUMBER));
    expect(callerToken(KEY, NUMBER)).not.toBe(callerToken(KEY, '+190011112223'));
    expect(callerToken(KEY, NUMBER)).not.toBe(callerToken(keyFromString('j'.repeat(32), 'other'), NUMBER));
  });
});

describe('createPseudonymizer', () => {
  const pseudonymize = createPseudonymizer(KEY, ['Attributes.CallbackNumber']);

  test('replaces a telephone number and the configured paths, keeps everything else and one line', () => {
    const record = ctr('c-1', undefined, {
      CustomerEndpoint: { Address: NUMBER, Type: 'TELEPHONE_NUMBER' },
      SystemEndpoint: { Address: '+18002430000', Type: 'TELEPHONE_NUMBER' },
      Attributes: { CallbackNumber: '+15550100', Language: 'en' },
    });
    const out = pseudonymize(line(record));
    expect(out.toString()).not.toContain(NUMBER);
    expect(out.toString()).not.toContain('+15550100');
    expect(out.toString().endsWith('}\n')).toBe(true);
    expect(out.toString().indexOf('\n')).toBe(out.length - 1);
    const parsed = parse(out);
    expect(parsed.CustomerEndpoint).toEqual({ Address: callerToken(KEY, NUMBER), Type: 'TELEPHONE_NUMBER' });
    expect(parsed.Attributes).toEqual({ CallbackNumber: callerToken(KEY, '+15550100'), Language: 'en' });
    // The contact center's own number is not personal data.
    expect(parsed.SystemEndpoint.Address).toBe('+18002430000');
    expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(record)));
  });

  test('leaves other endpoint types, missing paths and empty values alone, returning the same bytes', () => {
    for (const endpoint of [
      { Address: 'user@example.com', Type: 'EMAIL_ADDRESS' },
      { Address: '', Type: 'TELEPHONE_NUMBER' },
      null,
    ]) {
      const input = line(ctr('c-2', undefined, { CustomerEndpoint: endpoint, Attributes: null }));
      expect(pseudonymize(input)).toBe(input);
    }
  });

  test('given the record already parsed by classifyRecord, gives the same bytes as from the line alone', () => {
    const record = ctr('c-4', undefined, {
      CustomerEndpoint: { Address: NUMBER, Type: 'TELEPHONE_NUMBER' },
      Attributes: { CallbackNumber: '+15550100' },
    });
    const classified = classifyRecord(Buffer.from(record), 'canonical');
    if (classified.kind !== 'ctr') throw new Error(`not a CTR: ${classified.reason}`);
    const fromLine = pseudonymize(classified.line);
    expect(pseudonymize(classified.line, classified.ctr).equals(fromLine)).toBe(true);
    expect(fromLine.toString()).not.toContain(NUMBER);
  });

  test('reads a line that starts with a byte order mark', () => {
    const input = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      line(ctr('c-3', undefined, { CustomerEndpoint: { Address: NUMBER, Type: 'TELEPHONE_NUMBER' } })),
    ]);
    expect(parse(pseudonymize(input)).CustomerEndpoint.Address).toBe(callerToken(KEY, NUMBER));
  });
});

describe('secretsManagerKey', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  afterAll(() => secrets.restore());

  test('reads the secret once, however often the key is asked for', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 's'.repeat(40) });
    const source = secretsManagerKey(new SecretsManagerClient({ region: 'us-east-1' }), 'arn:secret');
    await Promise.all([source(), source()]);
    expect(Buffer.from(await source()).toString()).toBe('s'.repeat(40));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0].args[0].input).toEqual({ SecretId: 'arn:secret' });
  });

  test('a failed read is not kept: the next call tries again; a short key is refused without showing it', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'not found', $metadata: {} }))
      .resolves({ SecretString: 'short-key' });
    const source = secretsManagerKey(new SecretsManagerClient({ region: 'us-east-1' }), 'arn:secret');
    await expect(source()).rejects.toThrow(PseudonymizationKeyError);
    const error = await source().catch((e: Error) => e);
    expect(error).toBeInstanceOf(PseudonymizationKeyError);
    expect((error as Error).message).toMatch(/holds 9 bytes, at least 32/);
    expect((error as Error).message).not.toContain('short-key');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('dedup handler with pseudonymization on', () => {
  let db: Awaited<ReturnType<typeof startDynamoDb>>;
  beforeAll(async () => {
    db = await startDynamoDb('dedup');
  });
  afterAll(async () => db.stop());

  const build = (keySource?: () => Promise<Uint8Array>, fingerprintMode: 'canonical' | 'raw' = 'canonical') => {
    const { handler, firehose, s3 } = handlerWithFakes(db.client, 'ERROR', {
      config: testConfig({ tableName: db.tableName, pseudonymize: 'on', fingerprintMode }),
      pseudonymizationKey: keySource,
    });
    return {
      handler,
      firehose,
      s3,
      restore: () => {
        firehose.mock.restore();
        s3.mock.restore();
      },
    };
  };

  test('is refused without a key', () => {
    expect(() => build()).toThrow(ConfigurationError);
  });

  test.each(['canonical', 'raw'] as const)(
    '%s fingerprints: delivers tokens, never the number, and deduplicates on the record as received',
    async (mode) => {
      const { handler, firehose, restore } = build(staticKey(KEY), mode);
      // The samples' keys are sorted already (their canonical JSON is their bytes): a space keeps the modes' claims apart.
      const samples = duplicatedSamples().map((line) => (mode === 'raw' ? line.replace('{', '{ ') : line));
      // Sequence numbers of their own per mode: the table keeps the other mode's batch receipts.
      const first = mode === 'raw' ? 200 : 0;
      expect(await handler(kinesisEvent(samples, { first }))).toEqual({ batchItemFailures: [] });
      expect(firehose.state.delivered).toHaveLength(3);
      for (const delivered of firehose.state.delivered) {
        expect(delivered).not.toContain(NUMBER);
        expect(parse(Buffer.from(delivered)).CustomerEndpoint.Address).toBe(callerToken(KEY, NUMBER));
      }
      // The claims are the fingerprints of the records as received, not of the pseudonymized lines.
      const fingerprints = samples.map((s) => fingerprint(mode, Buffer.from(s), JSON.parse(s)));
      const items = (await db.client.send(new ScanCommand({ TableName: db.tableName }))).Items ?? [];
      const claimed = items
        .map((i) => i[CLAIM_ATTR.fingerprint].S!)
        .filter((fp) => !fp.startsWith(BATCH_RECEIPT_PREFIX));
      expect(claimed).toEqual(expect.arrayContaining([...new Set(fingerprints)]));
      expect(await handler(kinesisEvent(samples, { first: first + 50 }))).toEqual({ batchItemFailures: [] });
      expect(firehose.state.delivered).toHaveLength(3);
      restore();
    },
  );

  test('fails the whole batch, delivering nothing, while the key cannot be read; works once it can', async () => {
    let available = false;
    const { handler, firehose, restore } = build(async () => {
      if (!available) throw new PseudonymizationKeyError('arn:secret', 'it could not be read (AccessDeniedException)');
      return KEY;
    });
    const event = kinesisEvent(
      [ctr('key-1', undefined, { CustomerEndpoint: { Address: NUMBER, Type: 'TELEPHONE_NUMBER' } })],
      { first: 900 },
    );
    await expect(handler(event)).rejects.toThrow(PseudonymizationKeyError);
    expect(firehose.state.delivered).toHaveLength(0);
    available = true;
    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(firehose.state.delivered).toHaveLength(1);
    expect(firehose.state.delivered[0]).not.toContain(NUMBER);
    restore();
  });
});
