// Hostile remote servers against the remote engine, "Test connection" and the composed core: a line
// without end, a body without end, a slow drip, a gzip bomb, a web page where the API should be.
// Each ends with a message naming the server (and the limit it passed), the server sees its client
// leave, memory stays bounded, and the next request to an honest server answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import type { GenerateEvent } from "../../electron/core/generation/generation-engine.js";
import { AppError } from "../../electron/core/kernel/errors.js";
import { MAX_SSE_LINE_BYTES } from "../../electron/core/kernel/read-limits.js";
import { testConnection } from "../../electron/core/remote/connection-test.js";
import { RemoteEngine, remoteAgent, type RemoteTimeouts } from "../../electron/core/remote/remote-engine.js";
import { sseData } from "../../electron/core/remote/sse.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { createTempCore } from "../support/core/temp-core.js";
import { startHostileServer, type HostileMode, type HostileServer } from "../support/remote/hostile-server.js";
import { startWireServer, WIRE_ANSWER, WIRE_MODEL, type WireServer } from "../support/remote/wire-server.js";

// Short waits for the drips, so the silence watch catches them at once; the caps need no timer, so
// their cases get waits long enough that only the cap can end them.
const DRIP: RemoteTimeouts = { firstByteMs: 5_000, firstTokenMs: 300, stallMs: 300, maxRetryWaitS: 1 };
const CAP: RemoteTimeouts = { firstByteMs: 60_000, firstTokenMs: 60_000, stallMs: 60_000, maxRetryWaitS: 1 };
const agent = remoteAgent(CAP);
let hostile: HostileServer;
let honest: WireServer;
const MiB = 1024 * 1024;
const OPTIONS = { temperature: 0.6, topP: 0.95 };

beforeAll(async () => {
  [hostile, honest] = await Promise.all([startHostileServer(), startWireServer()]);
});
afterAll(async () => {
  await Promise.all([hostile.close(), honest.close()]);
  await agent.close();
});

const engine = (baseUrl: string, name: string, timeouts = CAP) =>
  new RemoteEngine(
    { endpointId: name, name, baseUrl, model: WIRE_MODEL, family: "r1-distill", apiKey: null, keyOrigin: null, sendKeyOverHttp: false },
    agent,
    timeouts,
  );
const host = () => new URL(hostile.url).host;

/** The failure a generation ends with (thrown when nothing arrived, else the done event's message). */
async function generationFailure(remote: RemoteEngine): Promise<string> {
  const events: GenerateEvent[] = [];
  try {
    for await (const event of remote.generate({ turns: [{ role: "user", content: "What is 6 × 7?" }], options: OPTIONS })) events.push(event);
  } catch (err) {
    if (err instanceof AppError) return err.message;
    throw err;
  }
  const done = events.at(-1);
  if (done?.type === "done" && done.stopReason === "error") return done.message ?? "";
  throw new Error(`the generation did not fail: ${JSON.stringify(done)}`);
}

async function testFailure(timeouts = CAP): Promise<string> {
  try {
    await testConnection(
      { name: "Hostile box", baseUrl: hostile.url, apiKey: null, keyOrigin: null, sendKeyOverHttp: false, model: WIRE_MODEL },
      agent,
      timeouts,
    );
  } catch (err) {
    if (err instanceof AppError) return err.message;
    throw err;
  }
  throw new Error("the test did not fail");
}

/** Runs one hostile case, then proves the server saw its client go, memory did not follow the flood, and an honest server still answers. */
async function expectContained(mode: HostileMode, attempt: () => Promise<string>): Promise<string> {
  hostile.set(mode);
  const rssBefore = process.memoryUsage().rss;
  const message = await attempt();
  await hostile.clientGone();
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * MiB);
  honest.set("vllm");
  const events: GenerateEvent[] = [];
  for await (const event of engine(honest.url, "Honest box").generate({ turns: [{ role: "user", content: "Again?" }], options: OPTIONS })) events.push(event);
  expect(events.at(-1)).toMatchObject({ type: "done", stopReason: "end", answer: WIRE_ANSWER });
  return message;
}

describe("chat against a hostile server ends with a clear message, and the next request answers", () => {
  it("an endless SSE line stops at the line cap", async () => {
    const message = await expectContained({ kind: "endless-line" }, () => generationFailure(engine(hostile.url, "Hostile box")));
    expect(message).toBe(`Hostile box (${host()}) sent one stream line longer than 4.0 MiB, more than any piece of an answer can be; the request was stopped.`);
    expect(hostile.bytesSent).toBeLessThan(64 * MiB);
  });

  it("an endless whole answer stops at the answer cap", async () => {
    const message = await expectContained({ kind: "endless-body", contentType: "application/json" }, () =>
      generationFailure(engine(hostile.url, "Hostile box")),
    );
    expect(message).toBe(`Hostile box (${host()}) sent more than 32.0 MiB, more than any answer can be; the request was stopped.`);
    expect(hostile.bytesSent).toBeLessThan(128 * MiB);
  });

  it("an endless error page stops at the error cap, and the status still says what happened", async () => {
    const message = await expectContained({ kind: "endless-error", status: 502 }, () => generationFailure(engine(hostile.url, "Hostile box")));
    expect(message).toBe(
      `Hostile box (${host()}) failed with 502; the problem is on the server. (Its error message was longer than 64.0 KiB and was not read.)`,
    );
  });

  it("a stream dripped a byte at a time is cancelled by the silence watch", async () => {
    const message = await expectContained({ kind: "drip", status: 200, contentType: "text/event-stream", everyMs: 20 }, () =>
      generationFailure(engine(hostile.url, "Hostile box", DRIP)),
    );
    expect(message).toBe(`Hostile box (${host()}) sent no tokens for 0.3 s after taking the request; the request was cancelled.`);
  });

  it("an error message dripped a byte at a time does not hold the request open", async () => {
    const message = await expectContained({ kind: "drip", status: 500, contentType: "application/json", everyMs: 20 }, () =>
      generationFailure(engine(hostile.url, "Hostile box", DRIP)),
    );
    expect(message).toBe(`Hostile box (${host()}) failed with 500; the problem is on the server. (Its error message did not arrive whole.)`);
  });

  it.each(["application/json", "text/event-stream"])("a gzip bomb (%s) is cut at its decoded size", async (contentType) => {
    const message = await expectContained({ kind: "gzip-bomb", contentType }, () => generationFailure(engine(hostile.url, "Hostile box")));
    expect(message).toMatch(new RegExp(`^Hostile box \\(${host()}\\) sent (more than 32\\.0 MiB|one stream line longer than 4\\.0 MiB), more than any`));
    // Each member unpacks to 16 MiB: the read stopped after a few, not after the endless rest.
    expect(hostile.bytesSent).toBeLessThan(64 * MiB);
  });

  it("a web page where the API should be is named as one, unread", async () => {
    const message = await expectContained({ kind: "html" }, () => generationFailure(engine(hostile.url, "Hostile box")));
    expect(message).toBe(`Hostile box (${host()}) answered with a web page (text/html), not a chat completion. Is the base URL the API's, ending in /v1?`);
  });
});

describe("Test connection against a hostile server", () => {
  it("a model list without end, dripped, gzip-bombed or replaced by a web page each end with a message", async () => {
    const where = `Hostile box (${host()})`;
    expect(await expectContained({ kind: "endless-body", contentType: "application/json" }, testFailure)).toBe(
      `${where} sent more than 32.0 MiB, more than any answer can be; the request was stopped.`,
    );
    expect(await expectContained({ kind: "gzip-bomb", contentType: "application/json" }, testFailure)).toBe(
      `${where} sent more than 32.0 MiB, more than any answer can be; the request was stopped.`,
    );
    expect(await expectContained({ kind: "drip", status: 200, contentType: "application/json", everyMs: 20 }, () => testFailure(DRIP))).toBe(
      `${where} did not finish its model list within 0.3 s; the test was cancelled.`,
    );
    expect(await expectContained({ kind: "endless-error", status: 401 }, testFailure)).toMatch(
      /refused the API key \(401\).*\(Its error message was longer than 64\.0 KiB and was not read\.\)$/,
    );
    expect(await expectContained({ kind: "html" }, testFailure)).toBe(
      `${where} answered with a web page (text/html), not a model list. Is the base URL the API's, ending in /v1?`,
    );
  });
});

describe("the stream reader", () => {
  it("reads a line just under the cap, arriving in small pieces, in one pass", async () => {
    // Rescanning the whole buffer on every piece made this quadratic: minutes, not milliseconds.
    const payload = "y".repeat(MAX_SSE_LINE_BYTES - 16);
    const text = Buffer.from(`data: ${payload}\r\n\r\ndata: [DONE]\n\n`);
    async function* pieces() {
      for (let at = 0; at < text.length; at += 256) yield text.subarray(at, at + 256);
    }
    const events: string[] = [];
    for await (const data of sseData(pieces())) events.push(data);
    expect(events).toHaveLength(2);
    expect(events[0]).toBe(payload);
    expect(events[1]).toBe("[DONE]");
  }, 20_000);

  it("keeps characters split across pieces whole", async () => {
    const text = Buffer.from('data: {"content":"日本語 – ok"}\n\n');
    async function* bytes() {
      for (let at = 0; at < text.length; at++) yield text.subarray(at, at + 1);
    }
    const events: string[] = [];
    for await (const data of sseData(bytes())) events.push(data);
    expect(events).toEqual(['{"content":"日本語 – ok"}']);
  });
});

describe("through the composed core", () => {
  let core: AppCore;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ core, dispose } = await createTempCore());
  });
  afterAll(async () => dispose());

  it("a chat against an endless line ends with the message in the conversation; the next chat, on an honest server, answers", async () => {
    hostile.set({ kind: "endless-line" });
    const bad = await callOk(core, "remote.save", { name: "Hostile box", baseUrl: hostile.url, model: WIRE_MODEL, preset: "custom", family: "r1-distill" });
    await callOk(core, "remote.select", { id: bad.id });
    const { jobId } = await callOk(core, "chat.send", { prompt: "What is 6 × 7?" });
    const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
    expect(done.stopReason).toBe("error");
    expect(done.message).toMatch(/^Hostile box \(127\.0\.0\.1:\d+\) sent one stream line longer than 4\.0 MiB/);
    const tested = await core.dispatch("remote.test", { id: bad.id });
    expect(tested.ok ? null : tested.error.message).toMatch(/answered with a web page|sent one stream line|sent more than/);

    honest.set("vllm");
    const good = await callOk(core, "remote.save", { name: "Honest box", baseUrl: honest.url, model: WIRE_MODEL, preset: "vllm", family: "r1-distill" });
    await callOk(core, "remote.select", { id: good.id });
    const again = await callOk(core, "chat.send", { prompt: "What is 6 × 7?" });
    expect(await waitForEvent(core, "chat.done", (d) => d.jobId === again.jobId)).toMatchObject({ stopReason: "end", answer: WIRE_ANSWER });
  });
});
