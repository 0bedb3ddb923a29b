import { FirehoseClient } from '@aws-sdk/client-firehose';

// DynamoDB is no longer emulated here: the CPU runs talk to DynamoDB Local in its own process, so the
// process's CPU is still the client's own. `npm run bench` now sends Firehose calls to the local endpoint in
// its own process too; this stand-in serves `bench:profile` and the benchmark's tests.

interface StubRequest {
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

interface StubResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/**
 * A request handler (the SDK's transport slot) that answers in memory. The SDK client runs unchanged
 * (serialization, signing, retries, middleware, deserialization), only the network is gone: CPU measured
 * around it is what a function would spend, minus the wait.
 */
class InMemoryHandler {
  public readonly metadata = { handlerProtocol: 'stub' };

  public constructor(
    private readonly answer: (operation: string, body: Buffer) => { status: number; json: string; errorType?: string },
  ) {}

  public async handle(request: StubRequest): Promise<{ response: StubResponse }> {
    const target = request.headers['x-amz-target'] ?? '';
    // The SDK's JSON codec hands over bytes (a Uint8Array subclass); view them without copying.
    const raw = request.body;
    const body =
      raw instanceof Uint8Array
        ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
        : Buffer.from(typeof raw === 'string' ? raw : '');
    const { status, json, errorType } = this.answer(target.slice(target.indexOf('.') + 1), body);
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    return { response: { statusCode: status, headers, body: Buffer.from(json) } };
  }

  public updateHttpClientConfig(): void {}

  public httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  public destroy(): void {}
}

const stubClientConfig = (endpoint: string, requestHandler: InMemoryHandler) => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'STUB', secretAccessKey: 'STUB' },
  requestHandler,
});

/** Records a stub Firehose has accepted, and the CPU the stub itself spent answering (not the client's). */
export interface FirehoseStubStats {
  records: number;
  calls: number;
  /** User + system µs spent inside the stub's answer; the benchmark subtracts it from the client's CPU. */
  cpuUs: number;
}

/**
 * A real Firehose client whose PutRecord/PutRecordBatch calls succeed in memory. Entries are counted
 * by scanning the bytes for `"Data":` rather than parsing the body, so the stub adds little CPU of its own.
 */
export function inMemoryFirehoseClient(): { client: FirehoseClient; stats: FirehoseStubStats } {
  const stats: FirehoseStubStats = { records: 0, calls: 0, cpuUs: 0 };
  let nextId = 0;
  const answer = (operation: string, body: Buffer) => {
    stats.calls++;
    if (operation === 'PutRecord') {
      stats.records++;
      return { status: 200, json: JSON.stringify({ RecordId: `r${nextId++}`, Encrypted: false }) };
    }
    if (operation !== 'PutRecordBatch')
      return { status: 400, json: '{"__type":"UnknownOperationException"}', errorType: 'UnknownOperationException' };
    let entries = 0;
    for (let at = body.indexOf('"Data":'); at !== -1; at = body.indexOf('"Data":', at + 7)) entries++;
    stats.records += entries;
    const responses = Array.from({ length: entries }, () => ({ RecordId: `r${nextId++}` }));
    return { status: 200, json: JSON.stringify({ FailedPutCount: 0, Encrypted: false, RequestResponses: responses }) };
  };
  const handler = new InMemoryHandler((operation, body) => {
    // The answer runs synchronously, so the process's CPU around it is the stub's own.
    const start = process.cpuUsage();
    const result = answer(operation, body);
    const used = process.cpuUsage(start);
    stats.cpuUs += used.user + used.system;
    return result;
  });
  return { client: new FirehoseClient(stubClientConfig('http://firehose.stub', handler)), stats };
}
