import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DeserializeMiddleware, HandlerExecutionContext, InitializeMiddleware } from '@smithy/types';

/** Any of the local clients; they share the Smithy middleware stack. */
export type AnyClient = DynamoDBClient | FirehoseClient | S3Client;

/** What a fault sees of one HTTP attempt. */
export interface Attempt {
  /** The SDK command, e.g. `PutItemCommand`. */
  readonly command: string;
  /** The command's input, as given to `send`. */
  readonly input: Record<string, unknown>;
  /** 1 for the first attempt, 2+ for the SDK's own retries (from the `amz-sdk-request` header). */
  readonly attempt: number;
}

/** A raw HTTP response a fault answers with instead of sending the request. */
export interface FakeResponse {
  readonly statusCode: number;
  /** A JSON body (DynamoDB, Firehose), or an XML document as text (S3's REST-XML errors). */
  readonly body: Record<string, unknown> | string;
}

/**
 * Per-attempt hook: return a response to answer without sending, `'hang'` never to answer (a frozen
 * function), or nothing to send the request; `after` runs when the server's answer comes back.
 */
export interface AttemptHook {
  before?(attempt: Attempt): FakeResponse | 'hang' | undefined;
  after?(attempt: Attempt): 'hang' | undefined;
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

const attemptNumber = (headers: Record<string, string> | undefined): number => {
  const header = headers?.['amz-sdk-request'] ?? '';
  return Number(/attempt=(\d+)/.exec(header)?.[1] ?? 1);
};

/**
 * Adds a hook that runs once per HTTP attempt. It sits in the `deserialize` step at low priority, below the
 * retry middleware (`finalizeRequest`) and the deserializer: a fake response is parsed into the service's
 * own error class and the SDK's retry strategy sees it exactly as if the service had answered it.
 */
export function addAttemptHook(client: AnyClient, name: string, hook: AttemptHook): void {
  const middleware: DeserializeMiddleware<object, object> =
    (next, context: HandlerExecutionContext) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      const attempt: Attempt = {
        command: context.commandName ?? '',
        input: (args.input ?? {}) as Record<string, unknown>,
        attempt: attemptNumber(request.headers),
      };
      const verdict = hook.before?.(attempt);
      if (verdict === 'hang') return never();
      if (verdict) {
        // Shaped like the HttpResponse the node handler returns; the deserializer reads status, headers, body.
        const response = {
          statusCode: verdict.statusCode,
          reason: 'injected fault',
          headers: {
            'content-type': typeof verdict.body === 'string' ? 'application/xml' : 'application/x-amz-json-1.0',
            'x-amzn-requestid': 'injected-fault',
          },
          body: Buffer.from(typeof verdict.body === 'string' ? verdict.body : JSON.stringify(verdict.body)),
        };
        return { response, output: undefined as never };
      }
      const result = await next(args);
      if (hook.after?.(attempt) === 'hang') {
        // Read and drop the unread body first, or its socket stays busy and starves the connection pool.
        (result.response as { body?: { resume?: () => void } }).body?.resume?.();
        return never();
      }
      return result;
    };
  (client.middlewareStack as { add(m: unknown, o: object): void }).add(middleware, {
    step: 'deserialize',
    priority: 'low',
    name,
  });
}

/** Adds a hook around a whole `send` (all SDK attempts), told whether the call finally failed. */
export function addCallHook(
  client: AnyClient,
  name: string,
  onSettled: (command: string, input: Record<string, unknown>, error: unknown) => void,
): void {
  const middleware: InitializeMiddleware<object, object> = (next, context) => async (args) => {
    try {
      const result = await next(args);
      onSettled(context.commandName ?? '', args.input as Record<string, unknown>, undefined);
      return result;
    } catch (error) {
      onSettled(context.commandName ?? '', args.input as Record<string, unknown>, error);
      throw error;
    }
  };
  (client.middlewareStack as { add(m: unknown, o: object): void }).add(middleware, {
    step: 'initialize',
    priority: 'high',
    name,
  });
}
