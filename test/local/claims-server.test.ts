import {
  AUTO_DYNAMODB_LOCAL_MIN_BYTES,
  resolveClaimsServer,
  startClaimsServer,
} from '../../local/servers/claims-server';
import { DynamoDbLocalStartError } from '../../local/servers/dynamodb-local';

describe('the claims table server of ctr local', () => {
  it('auto picks DynamoDB Local from 16 MiB of input, dynalite below it or when the size is unknown (stdin)', () => {
    expect(resolveClaimsServer('auto', AUTO_DYNAMODB_LOCAL_MIN_BYTES)).toBe('dynamodb-local');
    expect(resolveClaimsServer('auto', AUTO_DYNAMODB_LOCAL_MIN_BYTES - 1)).toBe('dynalite');
    expect(resolveClaimsServer('auto', undefined)).toBe('dynalite');
    expect(resolveClaimsServer('dynalite', 10 * AUTO_DYNAMODB_LOCAL_MIN_BYTES)).toBe('dynalite');
    expect(resolveClaimsServer('dynamodb-local', 1)).toBe('dynamodb-local');
  });

  describe('without Java', () => {
    // DynamoDB Local's start as it fails on a machine without Java (the spawn of `java` fails with ENOENT).
    const noJava = async (): Promise<never> => {
      throw new DynamoDbLocalStartError('java was not found');
    };

    it('auto falls back to dynalite and says why', async () => {
      const claims = await startClaimsServer('auto', AUTO_DYNAMODB_LOCAL_MIN_BYTES, noJava);
      expect(claims).toEqual({
        kind: 'dynalite',
        fallback: expect.stringMatching(/java was not found\); install Java 17/),
      });
    });

    it('asked for by name, DynamoDB Local fails with the reason in words', async () => {
      await expect(startClaimsServer('dynamodb-local', 1, noJava)).rejects.toThrow(
        /DynamoDB Local could not be started \(java was not found\)/,
      );
    });
  });
});
