/** API Gateway v2 events as the gateway (and serverless-offline) sends them, and a way to invoke. */

import { randomUUID } from "node:crypto";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { LambdaHandler } from "../../lib/http/handler.js";
import { withTestDeps } from "./deps.js";

export interface EventInput {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  /** The client's address as API Gateway reports it (127.0.0.1 unless told). */
  sourceIp?: string;
}

export function apiEvent(input: EventInput): APIGatewayProxyEventV2 {
  const method = input.method ?? "GET";
  const headers: Record<string, string> = { host: "127.0.0.1:3000", ...input.headers };
  let body: string | undefined = input.rawBody;
  if (input.body !== undefined) {
    body = JSON.stringify(input.body);
    headers["content-type"] ??= "application/json";
  }
  const query = input.query ?? {};
  // HTTP API payload 2.0: a Cookie header arrives as `cookies`, not among the headers.
  const cookie = headers.cookie;
  delete headers.cookie;
  return {
    version: "2.0",
    cookies: cookie ? cookie.split(/;\s*/) : undefined,
    routeKey: `${method} ${input.path}`,
    rawPath: input.path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: input.pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "local",
      domainName: "127.0.0.1",
      domainPrefix: "127",
      http: {
        method,
        path: input.path,
        protocol: "HTTP/1.1",
        sourceIp: input.sourceIp ?? "127.0.0.1",
        userAgent: "test",
      },
      requestId: randomUUID(),
      routeKey: `${method} ${input.path}`,
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  } as APIGatewayProxyEventV2;
}

export function lambdaContext(): Context {
  return {
    awsRequestId: randomUUID(),
    functionName: "test",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-central-1:123456789012:function:test",
    memoryLimitInMB: "256",
    logGroupName: "/aws/lambda/test",
    logStreamName: "test",
    callbackWaitsForEmptyEventLoop: true,
    // Out of reach (10 min), as the upstream timeout is (deps.ts): a burst on a busy machine must not
    // meet the handler's time limit (504 3504); the test of that limit sets its own.
    getRemainingTimeInMillis: () => 600_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface Response {
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  json: any;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

/** Runs an endpoint on the test dependencies installed last (test/helpers/deps.ts). */
export async function invoke(main: Handler, input: EventInput): Promise<Response> {
  const result = (await withTestDeps(main as LambdaHandler)(
    apiEvent(input),
    lambdaContext(),
  )) as APIGatewayProxyStructuredResultV2;
  const text = result.body ?? "";
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    text,
    json,
  };
}
