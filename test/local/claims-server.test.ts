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
  startDynamoDbLocal,
} from '../../local/servers/dynamodb-local';
import { childProcess } from './child-process';

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
    // What the JVM's process receives in its environment: glibc's variable and the telemetry switch.
    expect(jvmEnvironment(asked[0])).toEqual({ DDB_LOCAL_TELEMETRY: '0', MALLOC_ARENA_MAX: '1' });
    expect(jvmEnvironment({})).toEqual({ DDB_LOCAL_TELEMETRY: '0' });
  });

  it('runs DynamoDB Local in memory with its options, one malloc arena and its telemetry off (read from the running JVM)', async () => {
    const server = await startDynamoDbLocal({ javaOptions: ['-Xmx96m', '-XX:+UseSerialGC'], mallocArenas: 1 });
    try {
      // This one, not the test run's shared DynamoDB Local (a child of this process too when jest runs in band).
      const port = new URL(server.endpoint).port;
      const jvm = childProcess((argv) => argv.includes('-port') && argv[argv.indexOf('-port') + 1] === port);
      expect(jvm.env).toMatchObject({ DDB_LOCAL_TELEMETRY: '0', MALLOC_ARENA_MAX: '1' });
      // JVM options go before -jar, DynamoDB Local's own after the jar.
      const jar = jvm.argv.findIndex((arg) => arg.endsWith('DynamoDBLocal.jar'));
      expect(jvm.argv.slice(1, 3)).toEqual(['-Xmx96m', '-XX:+UseSerialGC']);
      expect(jvm.argv.slice(jar + 1, jar + 3)).toEqual(['-inMemory', '-port']);
    } finally {
      await server.close();
    }
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
