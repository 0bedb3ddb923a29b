import { loadConfig } from '../../lambda-emulator/src/config';
import { EMULATOR_ENV } from '../../lambda-emulator/src/constants';
import { ConfigurationError, type EmulatorError } from '../../lambda-emulator/src/errors';

describe('loadConfig', () => {
  test('reads the stream name', () => {
    expect(loadConfig({ [EMULATOR_ENV.streamName]: 'ctr-stream' })).toEqual({ streamName: 'ctr-stream' });
  });

  test.each([
    ['missing', {}, /STREAM_NAME is not set/],
    ['blank', { STREAM_NAME: '  ' }, /STREAM_NAME is not set/],
    [
      'not a stream name',
      { STREAM_NAME: 'arn:aws:kinesis:us-east-1:123456789012:stream/x' },
      /STREAM_NAME is not a valid Kinesis stream name/,
    ],
  ])('fails with ConfigurationError when STREAM_NAME is %s', (_label, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('lists every problem in the error', () => {
    let caught: unknown;
    try {
      loadConfig({});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    expect((caught as ConfigurationError).problems).toEqual([
      'STREAM_NAME is not set: it must name the Kinesis Data Stream that receives the CTRs',
    ]);
  });
});

describe('handler module', () => {
  const saved = process.env[EMULATOR_ENV.streamName];
  afterEach(() => {
    if (saved === undefined) delete process.env[EMULATOR_ENV.streamName];
    else process.env[EMULATOR_ENV.streamName] = saved;
  });

  test('fails at load (cold start) with a ConfigurationError when STREAM_NAME is missing', () => {
    delete process.env[EMULATOR_ENV.streamName];
    let thrown: unknown;
    let errors: { EmulatorError: typeof EmulatorError; ConfigurationError: typeof ConfigurationError } | undefined;
    jest.isolateModules(() => {
      errors = require('../../lambda-emulator/src/errors');
      try {
        require('../../lambda-emulator/src/index');
      } catch (error) {
        thrown = error;
      }
    });
    // Classes of the isolated module registry, the ones index.ts saw.
    expect(thrown).toBeInstanceOf(errors!.ConfigurationError);
    expect(thrown).toBeInstanceOf(errors!.EmulatorError);
    expect((thrown as Error).name).toBe('ConfigurationError');
    expect((thrown as Error).message).toContain('STREAM_NAME');
  });

  test('loads and exports a handler when STREAM_NAME is set', () => {
    process.env[EMULATOR_ENV.streamName] = 'ctr-stream';
    let mod: { handler?: unknown } = {};
    jest.isolateModules(() => {
      mod = require('../../lambda-emulator/src/index');
    });
    expect(typeof mod.handler).toBe('function');
  });
});
