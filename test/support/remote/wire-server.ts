// A server on 127.0.0.1 that answers /v1/chat/completions the way vLLM, SGLang and DeepSeek's API
// do — their documented chunk shapes, usage chunks and error bodies — and fails in each way a real
// server can: bad key, unknown model, rate limit, server error, a cut stream, a stalled one.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type WireShape = "vllm" | "vllm-reasoning-field" | "sglang" | "deepseek-api" | "no-parser" | "no-parser-open-missing" | "whole-json";
export type WireFault =
  | { kind: "status"; status: number; body: unknown; headers?: Record<string, string> }
  /** Answers 429 with Retry-After `seconds` this many times, then normally. */
  | { kind: "rate-limit"; seconds: number; times: number }
  /** Sends this many text chunks, then destroys the socket. */
  | { kind: "cut"; afterChunks: number }
  /** Sends this many text chunks, then goes silent with the connection open. */
  | { kind: "stall"; afterChunks: number }
  /** Reads the request and never answers (no headers). */
  | { kind: "silent" }
  /** Sends the stream's headers, then only SSE keep-alive comments (every `everyMs`), never a token. */
  | { kind: "keep-alive-only"; everyMs: number }
  /** Holds the response open after this many chunks until the client goes away. */
  | { kind: "hold"; afterChunks: number };

export interface WireServer {
  url: string;
  /** Each chat request's parsed body, in order. */
  readonly requests: Array<Record<string, unknown>>;
  /** Resolves when the client of the current held/stalled response disconnects. */
  clientGone(): Promise<void>;
  set(shape: WireShape, fault?: WireFault): void;
  close(): Promise<void>;
}

export const WIRE_THOUGHT = "The user wants 6 × 7. Six sevens are forty-two.";
export const WIRE_ANSWER = "The answer is **42**.";
export const WIRE_MODEL = "deepseek-ai/DeepSeek-R1";

/** The script as text pieces, split at awkward places (tags cut in two) so reassembly is tested. */
function pieces(shape: WireShape): Array<{ reasoning?: string; content?: string }> {
  const words = (text: string) => text.match(/\S+\s*/g)!;
  if (shape === "no-parser" || shape === "no-parser-open-missing") {
    const raw = `${shape === "no-parser" ? "<think>\n" : ""}${WIRE_THOUGHT}\n</think>\n\n${WIRE_ANSWER}`;
    const out: string[] = [];
    for (let i = 0; i < raw.length; i += 5) out.push(raw.slice(i, i + 5));
    return out.map((content) => ({ content }));
  }
  return [...words(WIRE_THOUGHT).map((reasoning) => ({ reasoning })), ...words(WIRE_ANSWER).map((content) => ({ content }))];
}

function chunk(shape: WireShape, piece: { reasoning?: string; content?: string }, created: number): Record<string, unknown> {
  const base = { id: "chatcmpl-wire", object: "chat.completion.chunk", created, model: WIRE_MODEL };
  let delta: Record<string, unknown>;
  if (shape === "vllm") delta = piece.reasoning ? { reasoning_content: piece.reasoning } : { content: piece.content };
  else if (shape === "vllm-reasoning-field") delta = piece.reasoning ? { reasoning: piece.reasoning } : { content: piece.content };
  else if (shape === "sglang") delta = { role: null, content: piece.content ?? null, reasoning_content: piece.reasoning ?? null, tool_calls: null };
  else if (shape === "deepseek-api") delta = { content: piece.content ?? null, reasoning_content: piece.reasoning ?? null };
  else delta = { content: piece.content };
  const extra = shape === "deepseek-api" ? { system_fingerprint: "fp_wire" } : {};
  return { ...base, ...extra, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] };
}

const USAGE = { prompt_tokens: 17, completion_tokens: 23, total_tokens: 40, completion_tokens_details: { reasoning_tokens: 14 } };

export async function startWireServer(): Promise<WireServer> {
  let shape: WireShape = "vllm";
  let fault: WireFault | undefined;
  let rateLimited = 0;
  const requests: Array<Record<string, unknown>> = [];
  let gone: { promise: Promise<void>; resolve: () => void } = deferred();
  const sockets = new Set<import("node:net").Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "GET" && path === "/v1/models") {
      if (fault?.kind === "status") return json(res, fault.status, fault.body, fault.headers);
      return json(res, 200, { object: "list", data: [{ id: WIRE_MODEL, object: "model", owned_by: "vllm" }] });
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") return json(res, 404, { detail: "Not Found" });
    let text = "";
    for await (const part of req) text += String(part);
    requests.push(JSON.parse(text) as Record<string, unknown>);
    if (fault?.kind === "status") return json(res, fault.status, fault.body, fault.headers);
    if (fault?.kind === "rate-limit" && rateLimited < fault.times) {
      rateLimited++;
      return json(res, 429, { error: { message: "Rate limit reached for requests", type: "rate_limit_error" } }, { "retry-after": String(fault.seconds) });
    }
    if (fault?.kind === "silent") return void res.on("close", () => gone.resolve());
    if (fault?.kind === "keep-alive-only") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const timer = setInterval(() => res.write(": keep-alive\n\n"), fault.everyMs);
      return void res.on("close", () => (clearInterval(timer), gone.resolve()));
    }
    const created = Math.floor(Date.now() / 1000);
    const all = pieces(shape);
    if (shape === "whole-json") {
      return json(res, 200, {
        id: "chatcmpl-wire",
        object: "chat.completion",
        created,
        model: WIRE_MODEL,
        choices: [{ index: 0, message: { role: "assistant", content: WIRE_ANSWER, reasoning_content: WIRE_THOUGHT }, finish_reason: "stop" }],
        usage: USAGE,
      });
    }
    res.on("close", () => gone.resolve());
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\n\n`);
    if (shape === "deepseek-api") res.write(": keep-alive\n\n");
    send({
      ...chunk(shape, { content: "" }, created),
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
    });
    for (const [index, piece] of all.entries()) {
      if ((fault?.kind === "cut" || fault?.kind === "stall" || fault?.kind === "hold") && index === fault.afterChunks) {
        if (fault.kind === "cut") return void res.socket?.destroy();
        return; // stall / hold: say nothing more, keep the connection open
      }
      send(chunk(shape, piece, created));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const end = { id: "chatcmpl-wire", object: "chat.completion.chunk", created, model: WIRE_MODEL };
    if (shape === "deepseek-api")
      send({ ...end, choices: [{ index: 0, delta: { content: "", reasoning_content: null }, logprobs: null, finish_reason: "stop" }], usage: USAGE });
    else {
      send({ ...end, choices: [{ index: 0, delta: { content: "" }, logprobs: null, finish_reason: "stop", stop_reason: null }] });
      send({ ...end, choices: [], usage: USAGE });
    }
    res.end("data: [DONE]\n\n");
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.on("connection", (socket) => (sockets.add(socket), socket.on("close", () => sockets.delete(socket))));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    clientGone: () => gone.promise,
    set: (nextShape, nextFault) => {
      shape = nextShape;
      fault = nextFault;
      rateLimited = 0;
      gone = deferred();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
