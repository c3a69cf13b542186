import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { ResolvedGenerationOptions } from "../../shared/contract/chat.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
import { QueueFullError } from "../generation/queue-full.js";
import { sameSecret } from "../kernel/same-secret.js";
import { toolSupportOf } from "../../shared/contract/tools.js";
import { SELF_HEADER } from "../../shared/self-header.js";
import type { ApiRoute } from "./api-route.js";
import { anthropicRoute } from "./anthropic-route.js";
import { ApiFailure } from "./chat-completion.js";
import { readJson, sendJson } from "./http-io.js";
import { openAiChatRoute } from "./openai-chat-route.js";
import { responsesRoute } from "./responses-route.js";

export interface ApiServerOptions {
  engine: GenerationEngine;
  /** Read per request, so a rotated key applies at once. */
  apiKey: () => string;
  port: number;
  /** Sampling defaults from settings; DeepSeek's 0.6 / 0.95 when absent. */
  defaults: () => ResolvedGenerationOptions;
  /** This app's instance id, sent with every answer; a request carrying it came from this app itself. */
  instanceId?: string;
}

export interface RunningApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The local API on 127.0.0.1 for editors, agents and scripts: OpenAI's /v1/models and
 * /v1/chat/completions, Anthropic's /v1/messages, and the stateless part of OpenAI's /v1/responses,
 * all generating through one path (chat-completion.ts). Every request needs the app's API key; the
 * Host header must be loopback.
 */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const deps = { engine: options.engine, defaults: options.defaults };
  // Anthropic's and the Responses paths first: OpenAI's shape owns everything else.
  const routes: ApiRoute[] = [anthropicRoute(deps), responsesRoute(deps), openAiChatRoute(deps)];
  const server = createServer((req, res) => {
    const path = requestPath(req.url);
    const route = routes.find((r) => r.owns(path ?? "/"))!;
    if (path === undefined) return route.fail(res, 400, "invalid_request_error", "The request's address could not be read.");
    handle(req, res, path, route, options).catch((err: unknown) => {
      const failure = ApiFailure.from(err);
      // Only a full queue is a 429 worth retrying; it says when (a request that merely waits gets no refusal).
      if (err instanceof QueueFullError && !res.headersSent) res.setHeader("retry-after", String(err.retryAfterSeconds));
      route.fail(res, failure.status, failure.type, failure.message, failure.extra);
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : options.port);
    });
  });
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request's path; undefined when the request target is no address at all (`http://[`, …). */
function requestPath(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? "/", "http://x").pathname;
  } catch {
    return undefined;
  }
}

/** The key as OpenAI clients send it (`Authorization: Bearer`) or as Anthropic's do (`x-api-key`). */
function keyMatches(req: IncomingMessage, key: string): boolean {
  const bearer = sameSecret(req.headers.authorization ?? "", `Bearer ${key}`);
  const header = req.headers["x-api-key"];
  return bearer || (typeof header === "string" && sameSecret(header, key));
}

async function handle(req: IncomingMessage, res: ServerResponse, path: string, route: ApiRoute, options: ApiServerOptions): Promise<void> {
  if (options.instanceId) {
    res.setHeader(SELF_HEADER, options.instanceId);
    // A remote endpoint of this very app pointing at its own API: answering would call itself without end.
    if (req.headers[SELF_HEADER] === options.instanceId)
      return route.fail(res, 508, "loop_detected", "This request came from this same R1 Local: a remote endpoint points at its own API.");
  }
  const host = (req.headers.host ?? "").replace(/:\d+$/, "");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) return route.fail(res, 403, "forbidden", "Host not allowed.");
  if (!keyMatches(req, options.apiKey()))
    return route.fail(res, 401, "invalid_api_key", "Missing or wrong API key (Authorization: Bearer <key> or x-api-key: <key>, from R1 Local's settings).");
  if (req.method === "GET" && path === "/v1/models") {
    const model = options.engine.loadedModel;
    // `capabilities.tools`: whether the family was trained on tool calls ("untrained" ones may still try).
    const data = model ? [{ id: model.name, object: "model", created: 0, owned_by: "r1-local", capabilities: { tools: toolSupportOf(model.family) } }] : [];
    return sendJson(res, 200, { object: "list", data });
  }
  if (req.method !== "POST") return route.fail(res, 404, "not_found", `No route ${req.method} ${path}.`);
  let body: unknown;
  try {
    body = await readJson(req);
  } catch (err) {
    if (err instanceof RangeError) {
      // The rest of an oversized body is read and dropped, so the client sees the answer, not a reset.
      res.setHeader("connection", "close");
      req.resume();
    }
    return route.fail(res, 400, "invalid_request_error", err instanceof RangeError ? err.message : "The body is not valid JSON.");
  }
  await route.handle(path, body, req, res);
}
