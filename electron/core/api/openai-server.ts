import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { ResolvedGenerationOptions } from "../../shared/contract/chat.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
import { describeIssues } from "../kernel/zod-issues.js";
import { AppError } from "../kernel/errors.js";
import { sameSecret } from "../kernel/same-secret.js";
import { httpErrorOf } from "./http-errors.js";
import { ChatCompletionRequest } from "./openai-schemas.js";
import { endsForAnswer, finishReason, toTurns } from "./openai-messages.js";
import { toolOptionsOf } from "./openai-tools.js";
import { toolCallChunks, toolCallsMessage } from "./openai-tool-calls.js";
import { toolSupportOf } from "../../shared/contract/tools.js";
import { SELF_HEADER } from "../../shared/self-header.js";

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

const MAX_BODY = 8 * 1024 * 1024;

/**
 * An OpenAI-compatible endpoint on 127.0.0.1 for editors and scripts: /v1/models and
 * /v1/chat/completions (streaming too), with the reasoning in `reasoning_content` as DeepSeek's own
 * API returns it. Every request needs the app's API key; the Host header must be loopback.
 */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const server = createServer((req, res) => void handle(req, res, options).catch((err: unknown) => fail(res, 500, "server_error", String(err))));
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

function failWith(res: ServerResponse, error: AppError): void {
  const { status, type } = httpErrorOf(error.code);
  fail(res, status, type, error.message);
}

function fail(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: { message, type } }));
}

/** As OpenAI answers a prompt over the context (`context_length_exceeded`), with llama-server's counts beside it. */
function contextLengthExceeded(res: ServerResponse, message: string | null, metrics: { promptTokens: number; contextSize: number } | null): void {
  const counts = metrics ? { n_prompt_tokens: metrics.promptTokens, n_ctx: metrics.contextSize } : {};
  const error = {
    message: message ?? "The prompt does not fit into the model's context.",
    type: "invalid_request_error",
    param: "messages",
    code: "context_length_exceeded",
    ...counts,
  };
  res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new RangeError("Request body is larger than 8 MiB.");
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

async function handle(req: IncomingMessage, res: ServerResponse, options: ApiServerOptions): Promise<void> {
  if (options.instanceId) {
    res.setHeader(SELF_HEADER, options.instanceId);
    // A remote endpoint of this very app pointing at its own API: answering would call itself without end.
    if (req.headers[SELF_HEADER] === options.instanceId)
      return fail(res, 508, "loop_detected", "This request came from this same R1 Local: a remote endpoint points at its own API.");
  }
  const host = (req.headers.host ?? "").replace(/:\d+$/, "");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) return fail(res, 403, "forbidden", "Host not allowed.");
  if (!sameSecret(req.headers.authorization ?? "", `Bearer ${options.apiKey()}`))
    return fail(res, 401, "invalid_api_key", "Missing or wrong API key (Authorization: Bearer <key> from R1 Local's settings).");
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const engine = options.engine;
  if (req.method === "GET" && path === "/v1/models") {
    const model = engine.loadedModel;
    // `capabilities.tools`: whether the family was trained on tool calls ("untrained" ones may still try).
    const data = model ? [{ id: model.name, object: "model", created: 0, owned_by: "r1-local", capabilities: { tools: toolSupportOf(model.family) } }] : [];
    return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data }));
  }
  if (req.method !== "POST" || path !== "/v1/chat/completions") return fail(res, 404, "not_found", `No route ${req.method} ${path}.`);

  let body: unknown;
  try {
    body = await readJson(req);
  } catch (err) {
    if (err instanceof RangeError) {
      // The rest of an oversized body is read and dropped, so the client sees the answer, not a reset.
      res.setHeader("connection", "close");
      req.resume();
    }
    return fail(res, 400, "invalid_request_error", err instanceof RangeError ? err.message : "The body is not valid JSON.");
  }
  const parsed = ChatCompletionRequest.safeParse(body);
  if (!parsed.success) return fail(res, 400, "invalid_request_error", describeIssues(parsed.error));
  const model = engine.loadedModel;
  if (!model) return failWith(res, new AppError("not-loaded", "No model is loaded in R1 Local. Load one in the app first."));

  const request = parsed.data;
  let prepared;
  try {
    prepared = { ...toTurns(request.messages, model.systemPromptAllowed), tools: toolOptionsOf(request) };
  } catch (err) {
    return failWith(res, AppError.from(err));
  }
  const { turns, systemPrompt, tools } = prepared;
  // A remote server is asked for text only: what it would drop is refused rather than ignored.
  if (tools && engine.answeredBy.kind !== "local")
    return fail(res, 400, "invalid_request_error", "tools, stop and response_format need the local engine; chat is answered by a remote server now.");
  if (!endsForAnswer(turns)) return fail(res, 400, "invalid_request_error", "The last message must be the user's or a tool's result.");
  const defaults = options.defaults();
  const generation: ResolvedGenerationOptions = {
    ...defaults,
    temperature: request.temperature ?? defaults.temperature,
    topP: request.top_p ?? defaults.topP,
    topK: request.top_k ?? defaults.topK,
    maxTokens: request.max_completion_tokens ?? request.max_tokens ?? defaults.maxTokens,
    seed: request.seed ?? defaults.seed,
    systemPrompt,
  };
  const abort = new AbortController();
  res.on("close", () => abort.abort(new Error("The client went away.")));
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: model.name, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

  let events;
  try {
    events = engine.generate({ turns, options: generation, ...(tools ? { tools } : {}) }, abort.signal);
    // Surface "busy" and "not loaded" before any header goes out.
    const first = await events.next();
    // A prompt that cannot fit is the request's fault, answered before any header (as OpenAI and llama-server do).
    if (!first.done && first.value.type === "done" && first.value.stopReason === "prompt-too-long")
      return contextLengthExceeded(res, first.value.message, first.value.metrics);
    if (request.stream) res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    if (request.stream) res.write(chunk({ role: "assistant", content: "" }));
    for (let step = first; !step.done; step = await events.next()) {
      const event = step.value;
      if (event.type === "delta" && request.stream) {
        if (event.thought) res.write(chunk({ reasoning_content: event.thought }));
        if (event.answer) res.write(chunk({ content: event.answer }));
      } else if (event.type === "done") {
        const usage = event.metrics
          ? {
              prompt_tokens: event.metrics.promptTokens,
              completion_tokens: event.metrics.generatedTokens,
              total_tokens: event.metrics.promptTokens + event.metrics.generatedTokens,
              // OpenAI's meaning: prompt_tokens is the whole prompt, the part reused from the cache beside it.
              prompt_tokens_details: { cached_tokens: event.metrics.cachedPromptTokens },
              completion_tokens_details: { reasoning_tokens: event.metrics.thoughtTokens },
            }
          : undefined;
        if (event.stopReason === "crashed" || event.stopReason === "error") {
          if (request.stream) return void res.end(`data: ${JSON.stringify({ error: { message: event.message, type: "engine_error" } })}\n\n`);
          return fail(res, 500, "engine_error", event.message ?? "The engine failed.");
        }
        const calls = ("toolCalls" in event ? event.toolCalls : undefined) ?? [];
        const finish = finishReason(event.stopReason, calls.length);
        if (request.stream)
          return void res.end(
            toolCallChunks(calls)
              .map((delta) => chunk(delta))
              .join("") +
              chunk({}, finish) +
              (usage && request.stream_options?.include_usage
                ? `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: model.name, choices: [], usage })}\n\n`
                : "") +
              "data: [DONE]\n\n",
          );
        const message = {
          role: "assistant",
          content: event.answer || (calls.length > 0 ? null : ""),
          reasoning_content: event.thought,
          ...toolCallsMessage(calls),
        };
        return void res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id,
            object: "chat.completion",
            created,
            model: model.name,
            choices: [{ index: 0, message, finish_reason: finish }],
            usage,
          }),
        );
      }
    }
  } catch (err) {
    if (res.headersSent) return void res.end();
    const error = AppError.from(err);
    const { status, type } = httpErrorOf(error.code);
    return fail(res, status, type, error.message);
  } finally {
    // Leaving the loop early must still let the engine client finish its bookkeeping.
    await events?.return(undefined);
  }
}
