// The remote engine against a server on 127.0.0.1 that speaks like vLLM, SGLang and DeepSeek's API,
// and fails in each way such a server can.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpsServer } from "node:https";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateEvent } from "../../electron/core/generation/generation-engine.js";
import { AppError } from "../../electron/core/kernel/errors.js";
import { RemoteEngine, remoteAgent, type RemoteTarget, type RemoteTimeouts } from "../../electron/core/remote/remote-engine.js";
import { freePort } from "../support/llama-server/llama-server.js";
import { startWireServer, WIRE_ANSWER, WIRE_MODEL, WIRE_THOUGHT, type WireServer, type WireShape } from "../support/remote/wire-server.js";

const TIMEOUTS: RemoteTimeouts = { firstByteMs: 5_000, firstTokenMs: 400, stallMs: 400, maxRetryWaitS: 2 };
const agent = remoteAgent(TIMEOUTS);
let wire: WireServer;

beforeAll(async () => {
  wire = await startWireServer();
});
afterAll(async () => {
  await wire.close();
  await agent.close();
});

function engine(overrides: Partial<RemoteTarget> = {}): RemoteEngine {
  const target = {
    endpointId: "gpu-box",
    name: "GPU box",
    baseUrl: wire.url,
    model: WIRE_MODEL,
    family: "r1-distill" as const,
    apiKey: "sk-secret",
    sendKeyOverHttp: false,
    ...overrides,
  };
  return new RemoteEngine({ keyOrigin: new URL(target.baseUrl).origin, ...target }, agent, TIMEOUTS);
}

const OPTIONS = { temperature: 0.6, topP: 0.95 };

async function run(remote: RemoteEngine, signalOrStop?: AbortController, stopAfterDeltas = Infinity) {
  const events: GenerateEvent[] = [];
  let deltas = 0;
  for await (const event of remote.generate({ turns: [{ role: "user", content: "What is 6 × 7?" }], options: OPTIONS }, signalOrStop?.signal)) {
    events.push(event);
    if (event.type === "delta" && ++deltas === stopAfterDeltas) signalOrStop?.abort();
  }
  const done = events.at(-1);
  if (done?.type !== "done") throw new Error("no done event");
  const streamedThought = events.map((e) => (e.type === "delta" ? e.thought : "")).join("");
  const streamedAnswer = events.map((e) => (e.type === "delta" ? e.answer : "")).join("");
  return { events, done, streamedThought, streamedAnswer };
}

async function failure(remote: RemoteEngine): Promise<AppError> {
  try {
    await run(remote);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("the generation did not fail");
}

describe("stream shapes: the reasoning arrives as the trace, the answer as the answer", () => {
  const shapes: WireShape[] = ["vllm", "vllm-reasoning-field", "sglang", "deepseek-api", "no-parser", "no-parser-open-missing", "whole-json"];
  it.each(shapes)("%s", async (shape) => {
    wire.set(shape);
    const { done, streamedThought, streamedAnswer } = await run(engine());
    expect(done.stopReason).toBe("end");
    expect(done.thought.trimEnd()).toBe(WIRE_THOUGHT);
    expect(done.answer).toBe(WIRE_ANSWER);
    // Live: what streamed is what was kept, the tags never shown.
    expect(streamedThought).toBe(done.thought);
    expect(streamedAnswer).toBe(done.answer);
    expect(streamedThought + streamedAnswer).not.toContain("think>");
    if (!shape.startsWith("no-parser")) {
      expect(done.metrics?.promptTokens).toBe(17);
      expect(done.metrics?.generatedTokens).toBe(23);
      expect(done.metrics?.thoughtTokens).toBe(14);
    }
  });

  it("a model that answers without thinking, on a server without a parser, gives an answer (not a trace)", async () => {
    wire.set("no-parser-open-missing");
    const { done } = await run(engine({ family: "other" }));
    // "other" models do not think first: the text is read as the answer until a tag says otherwise.
    expect(done.thought).toBe("");
    expect(done.answer).toContain(WIRE_ANSWER);
  });
});

describe("the R1 rules hold on the wire", () => {
  it("sends R1's sampling, folds the system prompt into the first user turn, never sends reasoning back, and never two user turns in a row", async () => {
    wire.set("vllm");
    const before = wire.requests.length;
    const remote = engine();
    const turns = [
      { role: "user" as const, content: "First question" },
      { role: "assistant" as const, content: "<think>Pasted reasoning</think>First answer" },
      { role: "user" as const, content: "Second question" },
      { role: "assistant" as const, content: "reasoning that never finished" + "</think>" },
      { role: "user" as const, content: "Third question" },
    ];
    for await (const event of remote.generate({ turns, options: { ...OPTIONS, systemPrompt: "Be brief." } })) void event;
    const body = wire.requests[before]!;
    expect(body).toMatchObject({ model: WIRE_MODEL, stream: true, temperature: 0.6, top_p: 0.95 });
    expect(body.messages).toEqual([
      { role: "user", content: "Be brief.\n\nFirst question" },
      { role: "assistant", content: "First answer" },
      { role: "user", content: "Second question\n\nThird question" },
    ]);
    expect(JSON.stringify(body)).not.toContain("reasoning");
  });

  it("R1-0528-style models (DeepSeek's API) get the system prompt as a system message", async () => {
    wire.set("deepseek-api");
    const before = wire.requests.length;
    for await (const event of engine({ family: "r1-0528" }).generate({
      turns: [{ role: "user", content: "Hi" }],
      options: { ...OPTIONS, systemPrompt: "Be brief." },
    }))
      void event;
    expect((wire.requests[before]!.messages as unknown[])[0]).toEqual({ role: "system", content: "Be brief." });
  });
});

describe("failures a person understands", () => {
  it("401: the key was refused, with the server's own words", async () => {
    wire.set("deepseek-api", {
      kind: "status",
      status: 401,
      body: { error: { message: "Authentication Fails (no such user)", type: "authentication_error" } },
    });
    const err = await failure(engine());
    expect(err.code).toBe("unauthorized");
    expect(err.message).toMatch(/refused the API key.*Authentication Fails/);
    expect(err.message).not.toContain("sk-secret");
  });

  it("403: not allowed", async () => {
    wire.set("vllm", { kind: "status", status: 403, body: { error: { message: "Forbidden" } } });
    expect((await failure(engine())).code).toBe("forbidden");
  });

  it("404: the model is not served (vLLM's error body)", async () => {
    wire.set("vllm", { kind: "status", status: 404, body: { object: "error", message: "The model `x` does not exist.", type: "NotFoundError", code: 404 } });
    const err = await failure(engine({ model: "x" }));
    expect(err.code).toBe("not-found");
    expect(err.message).toMatch(/does not serve "x".*The model `x` does not exist/);
  });

  it("429 with a short Retry-After: waits as asked, says so, and answers", async () => {
    wire.set("vllm", { kind: "rate-limit", seconds: 1, times: 1 });
    const before = wire.requests.length;
    const { events, done } = await run(engine());
    expect(events.some((e) => e.type === "notice" && /trying again in 1 s/.test(e.message))).toBe(true);
    expect(done.answer.trim()).toBe(WIRE_ANSWER);
    expect(wire.requests.length - before).toBe(2);
  });

  it("the wait a 429 asks for is not taken for a silent server, even when longer than the header limit", async () => {
    wire.set("vllm", { kind: "rate-limit", seconds: 1, times: 1 });
    const quick = { ...TIMEOUTS, firstByteMs: 600 };
    const impatient = remoteAgent(quick);
    try {
      const target = {
        endpointId: "gpu-box",
        name: "GPU box",
        baseUrl: wire.url,
        model: WIRE_MODEL,
        family: "r1-distill" as const,
        apiKey: null,
        keyOrigin: null,
        sendKeyOverHttp: false,
      };
      const { done } = await run(new RemoteEngine(target, impatient, quick));
      expect(done.stopReason).toBe("end");
      expect(done.answer.trim()).toBe(WIRE_ANSWER);
    } finally {
      await impatient.close();
    }
  });

  it("429 with a long Retry-After: says when to try again", async () => {
    wire.set("sglang", { kind: "rate-limit", seconds: 120, times: 5 });
    const err = await failure(engine());
    expect(err.code).toBe("busy");
    expect(err.message).toMatch(/rate-limiting.*Try again in 120 s/);
  });

  it("5xx: the problem is on the server (SGLang's error body)", async () => {
    wire.set("sglang", { kind: "status", status: 503, body: { object: "error", message: "Server is overloaded", type: "ServiceUnavailable", code: 503 } });
    const err = await failure(engine());
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(/failed with 503.*Server is overloaded/);
  });

  it("a stream cut mid-answer keeps the text and ends as interrupted", async () => {
    wire.set("vllm", { kind: "cut", afterChunks: 12 });
    const { done, streamedThought, streamedAnswer } = await run(engine());
    expect(done.stopReason).toBe("error");
    expect(done.message).toMatch(/cut|ended before the answer/);
    expect(done.thought + done.answer).toBe(streamedThought + streamedAnswer);
    expect(done.answer.length).toBeGreaterThan(0);
  });

  it("a server that stalls mid-answer times out with a message, keeping what arrived", async () => {
    wire.set("deepseek-api", { kind: "stall", afterChunks: 4 });
    const { done } = await run(engine());
    expect(done.stopReason).toBe("error");
    expect(done.message).toMatch(
      /GPU box \(127.0.0.1:\d+\) sent no tokens for 0.4 s in the middle of the answer; the request was cancelled and what arrived is kept/,
    );
    expect(done.thought.length).toBeGreaterThan(0);
  });

  it("while it thinks, the deltas carry a running count of reasoning tokens (one per chunk) for the header", async () => {
    wire.set("vllm");
    const { events } = await run(engine());
    const counts = events.flatMap((e) => (e.type === "delta" && e.thought ? [e.thoughtTokens] : []));
    expect(counts.length).toBeGreaterThan(1);
    expect(counts).toEqual(counts.map((_, i) => i + 1));
  });

  it("a server that keeps the stream open with keep-alives but sends no token is cancelled, naming it", async () => {
    wire.set("vllm", { kind: "keep-alive-only", everyMs: 50 });
    const gone = wire.clientGone();
    const err = await failure(engine());
    expect(err.reason).toBe("timeout");
    expect(err.message).toMatch(/^GPU box \(127\.0\.0\.1:\d+\) sent no tokens for 0\.4 s after taking the request; the request was cancelled\.$/);
    // Cancelled cleanly: the connection is closed, not left hanging on the server.
    await gone;
  });

  it("a server that never answers times out with a message", async () => {
    wire.set("vllm", { kind: "silent" });
    const gone = wire.clientGone();
    const quick = { ...TIMEOUTS, firstByteMs: 300 };
    const impatient = remoteAgent(quick);
    try {
      const remote = new RemoteEngine(
        {
          endpointId: "gpu-box",
          name: "GPU box",
          baseUrl: wire.url,
          model: WIRE_MODEL,
          family: "r1-distill",
          apiKey: null,
          keyOrigin: null,
          sendKeyOverHttp: false,
        },
        impatient,
        quick,
      );
      const err = await failure(remote);
      expect(err.reason).toBe("timeout");
      expect(err.message).toMatch(/did not answer within 0.3 s.*overloaded or still loading/);
      await gone;
    } finally {
      await impatient.close();
    }
  });

  it("connection refused", async () => {
    const err = await failure(engine({ baseUrl: `http://127.0.0.1:${await freePort()}/v1` }));
    expect(err.code).toBe("unavailable");
    expect(err.message).toMatch(/refused the connection.*Is the server running/);
  });

  it("a name that does not resolve (DNS)", async () => {
    const err = await failure(engine({ baseUrl: "http://no-such-host.invalid/v1", apiKey: null }));
    expect(err.reason).toBe("dns");
    expect(err.message).toMatch(/could not be found \(DNS\)/);
  });

  it("a key is not sent over plain http to a server that is not this machine, unless the person allowed it", async () => {
    const refused = await failure(engine({ baseUrl: "http://no-such-host.invalid/v1" }));
    expect(refused.code).toBe("bad-request");
    expect(refused.message).toMatch(/not sent to no-such-host\.invalid over plain http.*tick "Send the key over http"/);
    // Allowed: the request is made (and here fails at the name lookup, after the check).
    expect((await failure(engine({ baseUrl: "http://no-such-host.invalid/v1", sendKeyOverHttp: true }))).reason).toBe("dns");
    expect((await failure(engine({ baseUrl: "https://no-such-host.invalid/v1" }))).reason).toBe("dns");
  });

  it("a certificate that is not trusted (TLS)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "r1-tls-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`, "-days", "1", "-subj", "/CN=127.0.0.1"],
      { stdio: "ignore" },
    );
    const server = createHttpsServer({ key: readFileSync(`${dir}/key.pem`), cert: readFileSync(`${dir}/cert.pem`) }, (_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const err = await failure(engine({ baseUrl: `https://127.0.0.1:${(server.address() as { port: number }).port}/v1` }));
      expect(err.reason).toBe("tls");
      expect(err.message).toMatch(/secure connection.*certificate/);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("Stop aborts the HTTP request at once: the server sees its client go away", async () => {
    wire.set("vllm", { kind: "hold", afterChunks: 6 });
    const stop = new AbortController();
    const result = run(engine(), stop, 3);
    const { done } = await result;
    await wire.clientGone();
    expect(done.stopReason).toBe("aborted");
    expect(done.thought.length).toBeGreaterThan(0);
  });
});
