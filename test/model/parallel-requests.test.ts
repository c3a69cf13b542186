import OpenAI, { APIError } from "openai";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { freePort } from "../support/llama-server/llama-server.js";

// Clients side by side: one loaded model, one context with 4 sequences (the window's and 3 for API
// clients), a bounded queue behind them. flat-r1 samples every letter alike, so what a client gets
// depends on its seed alone: batched or not, it must get the same letters.
const SEQUENCES = 4;
const CONTEXT = 8192;
let core: AppCore;
let dispose: () => Promise<void>;
let client: OpenAI;
let url: string;
let key: string;

const textOf = (completion: ChatCompletion) => {
  const message = completion.choices[0]!.message as { content: string | null; reasoning_content?: string };
  return `${message.reasoning_content ?? ""}|${message.content ?? ""}`;
};

const short = (seed: number, signal?: AbortSignal) =>
  client.chat.completions.create(
    { model: "local", messages: [{ role: "user", content: `Client ${seed}, letters please.` }], max_tokens: 12, seed },
    { signal },
  );

/** A streamed answer that keeps its sequence busy until aborted; resolves `started` with its first piece. */
function longStream(seed: number) {
  const controller = new AbortController();
  let ended = false;
  const started = new Promise<void>((resolve, reject) => {
    void (async () => {
      try {
        const stream = await client.chat.completions.create(
          { model: "local", messages: [{ role: "user", content: `Long ${seed}` }], max_tokens: 8000, seed, stream: true },
          { signal: controller.signal },
        );
        for await (const _chunk of stream) resolve();
      } catch (err) {
        if (!controller.signal.aborted) reject(err as Error);
      } finally {
        ended = true;
        resolve();
      }
    })();
  });
  return {
    started,
    abort: () => controller.abort(),
    get ended() {
      return ended;
    },
  };
}

/** One request that either is refused at once or waits in the queue (then it is withdrawn after a moment). */
async function probe(): Promise<{ status: number; retryAfter: string | null }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 300);
  try {
    const res = await fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "local", messages: [{ role: "user", content: "probe" }], max_tokens: 2 }),
      signal: controller.signal,
    });
    await res.text();
    return { status: res.status, retryAfter: res.headers.get("retry-after") };
  } catch {
    return { status: 0, retryAfter: null };
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture("flat-r1"), contextSize: CONTEXT, threads: 1, sequences: SEQUENCES });
  await loaded;
  await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
  const status = await callOk(core, "api.status", {});
  url = status.url!;
  key = status.apiKey;
  client = new OpenAI({ baseURL: url, apiKey: key, maxRetries: 0, timeout: 120_000 });
}, 120_000);
afterAll(() => dispose());

describe("clients side by side", () => {
  it("loads one context with the sequences asked for, each with the whole context", async () => {
    const { model } = await callOk(core, "engine.status", {});
    expect(model).toMatchObject({ sequences: SEQUENCES, contextSize: CONTEXT });
  });

  it("answers 20 clients at once, each exactly as it is answered alone, and the window's chat while the API is saturated", async () => {
    const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
    const alone: string[] = [];
    for (const seed of seeds) alone.push(textOf(await short(seed)));
    // Every seed its own letters, so a mix-up between clients would show.
    expect(new Set(alone).size).toBe(20);

    let answered = 0;
    const together = Promise.all(seeds.map((seed) => short(seed).then((c) => (answered++, textOf(c)))));
    const chatDone = (async () => {
      const { jobId } = await callOk(core, "chat.send", { prompt: "The person types while editors hammer the API.", options: { maxTokens: 4 } });
      const done = await waitForEvent(core, "chat.done", (d) => d.jobId === jobId);
      return { done, apiAnsweredBefore: answered };
    })();
    const [answers, chat] = await Promise.all([together, chatDone]);
    expect(answers).toEqual(alone);
    expect(chat.done.stopReason).toBe("max-tokens");
    // The window's own sequence answered while API clients still waited for theirs.
    expect(chat.apiAnsweredBefore).toBeLessThan(20);
  }, 180_000);

  // node-llama-cpp 3.21's batch loop held the context lock while any sequence had work queued, so
  // erasing the freed sequence's old tokens waited until the others paused; patches/ releases it
  // between batches.
  it("gives a disconnected client's sequence to the next request in the queue at once", async () => {
    const busy = [longStream(101), longStream(102), longStream(103)];
    await Promise.all(busy.map((b) => b.started));
    // Every API sequence is generating: this one waits in the queue.
    const queued = short(7);
    busy[0]!.abort();
    const answer = await queued;
    expect(textOf(answer)).toContain("|");
    // It was answered on the freed sequence while the other two still generate.
    expect(busy[1]!.ended || busy[2]!.ended).toBe(false);
    busy[1]!.abort();
    busy[2]!.abort();
  }, 120_000);

  it("refuses with 429 and Retry-After only once the queue is full, and answers everyone who waited", async () => {
    const busy = [longStream(201), longStream(202), longStream(203)];
    await Promise.all(busy.map((b) => b.started));
    // Three API sequences, eight waiting places each.
    const waiting = Array.from({ length: 24 }, (_, i) =>
      fetch(`${url}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "local", messages: [{ role: "user", content: `Waiting ${i}` }], max_tokens: 4, seed: 300 + i }),
      }).then((res) => res.status),
    );
    await expect.poll(probe, { timeout: 60_000, interval: 100 }).toMatchObject({ status: 429 });
    const refused = await client.chat.completions.create({ model: "local", messages: [{ role: "user", content: "one more" }], max_tokens: 2 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(APIError);
    expect((refused as APIError).status).toBe(429);
    expect((refused as APIError).message).toMatch(/requests are waiting/);
    expect(Number((refused as APIError).headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    for (const b of busy) b.abort();
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 24 }, () => 200));
    // With the queue drained, a request is served again.
    expect(textOf(await short(1))).toContain("|");
  }, 180_000);

  it('loads as many sequences as "Parallel requests" says: up to 4 on "auto" where memory allows, else the number set', async () => {
    const load = async () => {
      const loaded = waitForEvent(core, "engine.loaded");
      await callOk(core, "engine.load", { path: await ensureFixture("flat-r1"), contextSize: 1024, threads: 1 });
      return (await loaded).model;
    };
    expect(await load()).toMatchObject({ sequences: 4, contextSize: 1024 });
    await callOk(core, "settings.update", { patch: { parallelRequests: 2 } });
    expect(await load()).toMatchObject({ sequences: 2, contextSize: 1024 });
  }, 120_000);
});
