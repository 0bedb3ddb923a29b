import { Logger } from '@aws-lambda-powertools/logger';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadConfig } from './config';
import { EMULATOR_SERVICE_NAME } from './constants';
import { createEmulatorHandler } from './handler';

// Read at cold start, so a missing setting fails the first invocation with a ConfigurationError.
const config = loadConfig();

const logger = new Logger({ serviceName: EMULATOR_SERVICE_NAME });

// HTTP/1.1: the Kinesis client defaults to HTTP/2, which kinesalite (local runs) does not speak.
const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });

/** Lambda entry point: puts the CTRs of the event into the stream named by STREAM_NAME. */
export const handler = createEmulatorHandler({ kinesis, config, logger });
