import { EnvReader } from '../../lambda-common/config-reader';
import { EMULATOR_ENV } from './constants';
import { ConfigurationError } from './errors';

/** Validated settings of the emulator function. */
export interface EmulatorConfig {
  /** Kinesis Data Stream that receives the CTRs. */
  readonly streamName: string;
}

// Kinesis StreamName constraints (API reference): 1-128 characters of [a-zA-Z0-9_.-].
const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;

/** Reads the emulator's settings from the environment; throws a ConfigurationError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EmulatorConfig {
  const read = new EnvReader(env);
  const streamName = read.required(EMULATOR_ENV.streamName, 'the Kinesis Data Stream that receives the CTRs');
  read.check(
    streamName === '' || STREAM_NAME_PATTERN.test(streamName),
    `${EMULATOR_ENV.streamName} is not a valid Kinesis stream name (1-128 characters of a-z, A-Z, 0-9, _ . -)`,
  );
  read.finish((problems) => new ConfigurationError(problems));
  return { streamName };
}
