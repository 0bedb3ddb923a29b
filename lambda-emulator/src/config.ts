import { EMULATOR_ENV } from './constants';
import { ConfigurationError } from './errors';

/** Validated settings of the emulator function. */
export interface EmulatorConfig {
  /** Kinesis Data Stream that receives the CTRs. */
  readonly streamName: string;
}

// Kinesis StreamName constraints (API reference): 1-128 characters of [a-zA-Z0-9_.-].
const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;

/** Reads the emulator's settings from the environment; throws ConfigurationError when one is missing or invalid. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EmulatorConfig {
  const streamName = env[EMULATOR_ENV.streamName]?.trim();
  if (!streamName) {
    throw new ConfigurationError(
      `Environment variable ${EMULATOR_ENV.streamName} is not set: it must name the Kinesis Data Stream that receives the CTRs.`,
    );
  }
  if (!STREAM_NAME_PATTERN.test(streamName)) {
    throw new ConfigurationError(
      `Environment variable ${EMULATOR_ENV.streamName} is not a valid Kinesis stream name (1-128 characters of a-z, A-Z, 0-9, _ . -).`,
    );
  }
  return { streamName };
}
