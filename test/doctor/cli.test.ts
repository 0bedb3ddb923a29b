import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { awsDoctorClients, doctorCommand } from '../../local/cli/doctor';
import { main } from '../../local/cli/main';
import { describeStacks, doctorClients, mockedServices, STACK, stackOutputs } from './fixtures';

// `ctr doctor` from the command line: help, and bad input (no credentials, no Region, no stack, a stack from an
// older version) answered with one sentence and the next step, never a stack trace.

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return capture(() => main(argv));
}

/** Runs `fn` with stdout and stderr captured. */
async function capture(fn: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(((c: unknown) => {
    stdout += String(c);
    return true;
  }) as never);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(((c: unknown) => {
    stderr += String(c);
    return true;
  }) as never);
  try {
    return { code: await fn(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** One line, a sentence with a next step, no stack frame, no bare error class. */
function expectOneClearSentence(stderr: string) {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ctr doctor: [A-Z].+: .+\.$/);
  expect(stderr).not.toMatch(/\n\s+at |Error:|ValidationError|CredentialsProviderError/);
}

const ENV_KEYS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'HOME',
];

describe('ctr doctor on the command line', () => {
  const saved: Record<string, string | undefined> = {};
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'ctr-doctor-home-'));
  });
  beforeEach(() => {
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    for (const k of ENV_KEYS) delete process.env[k];
    // No profile files, no instance metadata: nothing to find credentials or a Region in but what a test sets.
    Object.assign(process.env, {
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  });
  afterEach(() => {
    for (const k of ENV_KEYS)
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
  });
  afterAll(async () => rm(home, { recursive: true, force: true }));

  test('--help documents every option and is listed in "ctr --help"', async () => {
    const { code, stdout } = await run(['doctor', '--help']);
    expect(code).toBe(0);
    for (const option of ['--stack NAME', '--region R', '--json', '--test-alarm', '--wait SECONDS', 'ctrDoctorProbe'])
      expect(stdout).toContain(option);
    expect((await run(['--help'])).stdout).toMatch(/^\s+doctor\s+Prove a deployed stack works end to end/m);
  });

  test('no Region', async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    const { code, stderr } = await run(['doctor']);
    expect(code).toBe(2);
    expectOneClearSentence(stderr);
    expect(stderr).toContain('No AWS Region is set: pass --region REGION');
  });

  test('no credentials', async () => {
    const { code, stderr } = await run(['doctor', '--region', 'eu-west-1']);
    expect(code).toBe(2);
    expectOneClearSentence(stderr);
    expect(stderr).toContain('No AWS credentials were found');
  });

  describe('with credentials (CloudFormation mocked)', () => {
    let cfn: ReturnType<typeof mockClient>;
    beforeAll(() => {
      cfn = mockClient(CloudFormationClient);
    });
    beforeEach(() => {
      cfn.reset();
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_REGION: 'eu-west-1',
      });
    });
    afterAll(() => cfn.restore());

    test('a stack that does not exist', async () => {
      cfn
        .on(DescribeStacksCommand)
        .rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
      const { code, stderr, stdout } = await run(['doctor', '--stack', 'Nope']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expectOneClearSentence(stderr);
      expect(stderr).toContain('Stack "Nope" does not exist in this account and Region');
    });

    test('a stack from an older version, with --json: one JSON object on stdout', async () => {
      const { AthenaWorkGroupName: _gone, ...older } = stackOutputs();
      cfn.on(DescribeStacksCommand).resolves(describeStacks(older));
      const { code, stderr, stdout } = await run(['doctor', '--json']);
      expect(code).toBe(2);
      expectOneClearSentence(stderr);
      expect(JSON.parse(stdout)).toEqual({
        ok: false,
        stack: STACK,
        error: expect.stringContaining('older version of this app (no AthenaWorkGroupName output)'),
      });
    });

    test('a bad --wait is a usage error', async () => {
      const { code, stderr } = await run(['doctor', '--wait', 'soon']);
      expect(code).toBe(2);
      expect(stderr).toBe('ctr doctor: --wait must be a number of seconds (0 or more).\n');
    });
  });
});

describe('ctr doctor end to end with every AWS service mocked', () => {
  // The CLI's own Lambda invocation against Lambda mocked at the class (Invoke's Payload bytes and FunctionError as
  // in its API reference); S3 mocked with ListObjects/GetObject shapes; the other services as in fixtures.ts.
  const saved = { ...process.env };
  let lambda: ReturnType<typeof mockClient>;
  let s3: ReturnType<typeof mockClient>;
  let objects: Map<string, Buffer>;
  const clients = (region: string | undefined) => ({
    ...doctorClients(new S3Client({ region }), async () => undefined, mockedServices()),
    invokeEmulator: awsDoctorClients(region).invokeEmulator,
  });

  beforeEach(() => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'eu-west-1',
    });
    objects = new Map();
    lambda = mockClient(LambdaClient);
    s3 = mockClient(S3Client);
    s3.on(ListObjectsCommand).callsFake((input: { Prefix?: string }) => {
      const keys = [...objects.keys()].filter((k) => k.startsWith(input.Prefix ?? ''));
      return {
        IsTruncated: false,
        Contents: keys.map((Key) => ({ Key, Size: objects.get(Key)!.length })),
      };
    });
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
      Body: { transformToByteArray: async () => new Uint8Array(objects.get(input.Key)!) },
    }));
  });
  afterEach(() => {
    lambda.restore();
    s3.restore();
    process.env = { ...saved };
  });

  /** A deployed pipeline: what the emulator is given arrives in S3 without its copies, the malformed record quarantined. */
  const healthyPipeline = (input: { Payload?: Uint8Array }) => {
    const { records } = JSON.parse(Buffer.from(input.Payload!).toString('utf8')) as {
      records: Array<Record<string, unknown> | string>;
    };
    const ctrs = [
      ...new Map(
        records.filter((r): r is Record<string, unknown> => typeof r !== 'string').map((r) => [r.ContactId, r]),
      ).values(),
    ];
    const day = new Date().toISOString().slice(0, 10);
    objects.set(
      `backup/dt=${day}/CallCenterAnalytics-Delivery-1-${day}-00-00-00-abc.gz`,
      gzipSync(ctrs.map((r) => `${JSON.stringify(r)}\n`).join('')),
    );
    const malformed = records.find((r) => typeof r === 'string') as string;
    const quarantined = JSON.stringify({ reason: 'NOT_JSON', dataBase64: Buffer.from(malformed).toString('base64') });
    objects.set(
      `quarantine/dt=${new Date().toISOString().slice(0, 10)}/shardId-000000000000/4959.json`,
      Buffer.from(quarantined),
    );
    return {
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
      Payload: Buffer.from(JSON.stringify({ sent: records.length, failed: [] })),
    };
  };

  test('all checks pass: exit 0 and, with --json, one JSON object whose every check passed', async () => {
    lambda.on(InvokeCommand).callsFake(healthyPipeline);
    const { code, stdout } = await capture(() => doctorCommand(['--json', '--wait', '0'], clients));
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ ok: true, stack: STACK, runId: expect.stringMatching(/^doctor-/) });
    expect(report.checks.filter((c: { status: string }) => c.status !== 'pass')).toEqual([]);
    expect(lambda.commandCalls(InvokeCommand)[0].args[0].input.FunctionName).toBe(
      'CallCenterAnalytics-EmulatorFunction-AbC123',
    );
  });

  test('the emulator function fails (FunctionError): exit 1, the checklist names its error and what to do next', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: Buffer.from(
        JSON.stringify({
          errorType: 'RecordsNotSentError',
          errorMessage: '7 of 7 records not sent (0 sent): #0 AccessDeniedException',
        }),
      ) as never,
    });
    const { code, stdout } = await capture(() => doctorCommand(['--wait', '0'], clients));
    expect(code).toBe(1);
    expect(stdout).toContain(
      '[FAIL] Probe CTRs through the pipeline: the function failed: 7 of 7 records not sent (0 sent): #0 AccessDeniedException',
    );
    expect(stdout).toMatch(/\n {7}next: /);
    expect(stdout).toMatch(/checks failed\.\n$/);
  });
});
