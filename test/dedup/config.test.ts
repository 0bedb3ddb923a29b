import { loadConfig } from '../../lambda-dedup/src/config';
import { DEDUP_ENV } from '../../lambda-dedup/src/constants';
import { ConfigurationError } from '../../lambda-dedup/src/errors';

const required = {
  [DEDUP_ENV.tableName]: 'dedup',
  [DEDUP_ENV.deliveryStreamName]: 'ctr',
  [DEDUP_ENV.quarantineBucketName]: 'quarantine',
};

describe('loadConfig', () => {
  test('applies the documented defaults', () => {
    expect(loadConfig(required)).toEqual({
      tableName: 'dedup',
      deliveryStreamName: 'ctr',
      quarantineBucketName: 'quarantine',
      quarantinePrefix: 'quarantine/',
      windowSeconds: 604800,
      fingerprintMode: 'canonical',
      claimConcurrency: 32,
      deliveryAttempts: 4,
      deliveryReceipts: 'batch',
      pseudonymize: 'on',
      pseudonymizationSecretId: undefined,
      pseudonymizedPaths: [],
      leaseMarginMs: 10000,
    });
  });

  test('reads every setting', () => {
    const config = loadConfig({
      ...required,
      [DEDUP_ENV.quarantinePrefix]: 'bad/',
      [DEDUP_ENV.windowSeconds]: '3600',
      [DEDUP_ENV.fingerprintMode]: 'raw',
      [DEDUP_ENV.claimConcurrency]: '8',
      [DEDUP_ENV.deliveryAttempts]: '2',
      [DEDUP_ENV.deliveryReceipts]: 'off',
      [DEDUP_ENV.leaseMarginMs]: '250',
      [DEDUP_ENV.pseudonymize]: 'off',
      [DEDUP_ENV.pseudonymizationSecretId]: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:key',
      [DEDUP_ENV.pseudonymizedPaths]: 'Attributes.CallbackNumber, Attributes.Mobile',
    });
    expect(config).toMatchObject({
      leaseMarginMs: 250,
      quarantinePrefix: 'bad/',
      windowSeconds: 3600,
      fingerprintMode: 'raw',
      claimConcurrency: 8,
      deliveryAttempts: 2,
      deliveryReceipts: 'off',
    });
    expect(config).toMatchObject({
      pseudonymize: 'off',
      pseudonymizationSecretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:key',
      pseudonymizedPaths: ['Attributes.CallbackNumber', 'Attributes.Mobile'],
    });
  });

  test('names every missing or invalid setting in one error', () => {
    let caught: unknown;
    try {
      loadConfig({
        [DEDUP_ENV.windowSeconds]: '7 days',
        [DEDUP_ENV.fingerprintMode]: 'md5',
        [DEDUP_ENV.deliveryReceipts]: 'never',
        [DEDUP_ENV.pseudonymize]: 'yes',
        [DEDUP_ENV.pseudonymizedPaths]: 'Attributes..Phone',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const { problems, message } = caught as ConfigurationError;
    expect(problems).toEqual([
      `${DEDUP_ENV.pseudonymizedPaths} has an empty key in "Attributes..Phone"`,
      `${DEDUP_ENV.tableName} is required`,
      `${DEDUP_ENV.deliveryStreamName} is required`,
      `${DEDUP_ENV.quarantineBucketName} is required`,
      `${DEDUP_ENV.windowSeconds} must be an integer from 1 to 31622400, got "7 days"`,
      `${DEDUP_ENV.fingerprintMode} must be one of canonical, raw, got "md5"`,
      `${DEDUP_ENV.deliveryReceipts} must be one of batch, off, got "never"`,
      `${DEDUP_ENV.pseudonymize} must be one of on, off, got "yes"`,
    ]);
    expect(message).toContain('Invalid dedup function configuration');
  });

  test('the Lambda entry point fails at cold start when configuration is missing', () => {
    jest.isolateModules(() => {
      const saved = process.env[DEDUP_ENV.tableName];
      delete process.env[DEDUP_ENV.tableName];
      try {
        expect(() => require('../../lambda-dedup/src/index')).toThrow(/DEDUP_TABLE_NAME is required/);
      } finally {
        if (saved !== undefined) process.env[DEDUP_ENV.tableName] = saved;
      }
    });
  });
});
