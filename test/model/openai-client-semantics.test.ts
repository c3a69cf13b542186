import OpenAI, { APIError } from "openai";
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppCore } from "../../electron/core/composition/app-core.js";
import { ensureFixture, FLAT_CHARACTERS, SCRIPT_ANSWER, type GoodFixtureName } from "../fixtures/models.js";
import { createTempCore } from "../support/core/temp-core.js";
import { callOk, waitForEvent } from "../support/core/wait-for-event.js";
import { freePort, startLlamaServer } from "../support/llama-server/llama-server.js";

// R1's semantics as a real OpenAI client sees them through the local API.
let core: AppCore;
let dispose: () => Promise<void>;
let client: OpenAI;

async function load(name: GoodFixtureName, contextSize: number): Promise<void> {
  const loaded = waitForEvent(core, "engine.loaded");
  await callOk(core, "engine.load", { path: await ensureFixture(name), contextSize, threads: 1 });
  await loaded;
}

const ask = (messages: ChatCompletionMessageParam[], extra: Partial<ChatCompletionCreateParamsNonStreaming> & { top_k?: number } = {}) =>
  client.chat.completions.create({ model: "local", messages, ...extra });

const reasoningOf = (completion: ChatCompletion) => (completion.choices[0]!.message as { reasoning_content?: string }).reasoning_content ?? "";

beforeAll(async () => {
  ({ core, dispose } = await createTempCore());
  await load("scripted-r1", 2048);
  await callOk(core, "settings.update", { patch: { apiServer: { enabled: true, port: await freePort() } } });
  const status = await callOk(core, "api.status", {});
  client = new OpenAI({ baseURL: status.url!, apiKey: status.apiKey, maxRetries: 0 });
});
afterAll(() => dispose());

describe("the local API through the openai client", () => {
  it("drops an assistant turn's reasoning up to its last </think>, with or without the opening tag: the prompt counts prove it", async () => {
    const reasoning = "Let me think about seven sixes for a long while, carefully, step by step, and then some more.";
    const withAnswer = (assistant: string): ChatCompletionMessageParam[] => [
      { role: "user", content: "What is 6 x 7?" },
      { role: "assistant", content: assistant },
      { role: "user", content: "And 7 x 6?" },
    ];
    const plain = await ask(withAnswer("It is 42."));
    const glued = await ask(withAnswer(`${reasoning}</think>\n\nIt is 42.`));
    const tagged = await ask(withAnswer(`<think>\n${reasoning}\n</think>\n\nIt is 42.`));
    expect(plain.choices[0]!.message.content).toBe(SCRIPT_ANSWER);
    expect(plain.usage!.prompt_tokens).toBeGreaterThan(20);
    expect(glued.usage!.prompt_tokens).toBe(plain.usage!.prompt_tokens);
    expect(tagged.usage!.prompt_tokens).toBe(plain.usage!.prompt_tokens);
  });

  it("reports the whole prompt in prompt_tokens and the reused part in cached_tokens", async () => {
    const question: ChatCompletionMessageParam[] = [{ role: "user", content: "A question asked twice: what is the answer?" }];
    const first = await ask(question);
    const again = await ask(question);
    expect(again.usage!.prompt_tokens).toBe(first.usage!.prompt_tokens);
    expect(first.usage!.prompt_tokens).toBeGreaterThan(10);
    const cachedFirst = first.usage!.prompt_tokens_details!.cached_tokens!;
    const cachedAgain = again.usage!.prompt_tokens_details!.cached_tokens!;
    expect(cachedFirst).toBeLessThan(first.usage!.prompt_tokens / 2);
    // All of it reused but the last token, which is evaluated again for the next token's logits.
    expect(cachedAgain).toBeGreaterThanOrEqual(again.usage!.prompt_tokens - 2);
    expect(again.usage!.total_tokens).toBe(again.usage!.prompt_tokens + again.usage!.completion_tokens);
  });

  it("answers a prompt that cannot fit with 400 context_length_exceeded and the token counts", async () => {
    const error = await ask([{ role: "user", content: "z".repeat(2500) }]).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe("context_length_exceeded");
    expect(apiError.type).toBe("invalid_request_error");
    const body = apiError.error as { n_prompt_tokens: number; n_ctx: number; message: string };
    expect(body.n_ctx).toBe(2048);
    expect(body.n_prompt_tokens).toBeGreaterThan(2500);
    expect(body.message).toMatch(/context holds 2048/);

    // llama-server, on the same file and context, refuses the same request with the same counts.
    const server = await startLlamaServer({ model: await ensureFixture("scripted-r1"), contextSize: 2048 });
    try {
      const reference = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "none", maxRetries: 0 });
      const theirs = (await reference.chat.completions.create({ model: "x", messages: [{ role: "user", content: "z".repeat(2500) }] }).then(
        () => undefined,
        (err: unknown) => err,
      )) as APIError;
      expect(theirs.status).toBe(400);
      const theirBody = theirs.error as { n_prompt_tokens: number; n_ctx: number };
      console.info(`over-long prompt: ours n_prompt_tokens ${body.n_prompt_tokens}, llama-server ${theirBody.n_prompt_tokens} (n_ctx ${theirBody.n_ctx})`);
      expect(theirBody.n_ctx).toBe(body.n_ctx);
      expect(Math.abs(theirBody.n_prompt_tokens - body.n_prompt_tokens), JSON.stringify({ ours: body, theirs: theirBody })).toBeLessThanOrEqual(4);
    } finally {
      await server.stop();
    }
  });

  it("samples R1 without top-k unless the client sets it", async () => {
    await load("flat-r1", 1024);
    // The flat model's next token is uniform over 62 characters: top-k 40 would leave 40 at most.
    const distinct = async (extra: { top_k?: number }) => {
      const completion = await ask([{ role: "user", content: "Letters, please." }], { max_tokens: 400, seed: 7, ...extra });
      const text = reasoningOf(completion);
      expect(text.length).toBeGreaterThan(300);
      expect([...text].every((c) => FLAT_CHARACTERS.includes(c) || /\s/.test(c))).toBe(true);
      return new Set(text.replace(/\s/g, "")).size;
    };
    expect(await distinct({})).toBeGreaterThan(50);
    expect(await distinct({ top_k: 40 })).toBeLessThanOrEqual(40);
  });
});
