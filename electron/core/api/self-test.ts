import type { ApiShape, ApiTestResult } from "../../shared/contract/api.js";

/** What the test asks; short, so a small model answers before the token limit. */
export const SELF_TEST_PROMPT = "Reply with one short sentence: are you ready to help with code?";
/** Enough for a distill's short reasoning and a sentence; a longer trace is cut and reported as such. */
const SELF_TEST_MAX_TOKENS = 256;
const SELF_TEST_TIMEOUT_MS = 180_000;

/** What came back, whatever the shape. */
type Reading = Pick<ApiTestResult, "model" | "reply" | "reasoning" | "finishReason" | "completionTokens">;

interface ShapeTest {
  /** Path after the base URL (which ends in /v1). */
  path: string;
  headers(apiKey: string): Record<string, string>;
  body: unknown;
  read(body: Record<string, unknown>): Reading;
}

type Blocks = { type?: string; text?: string; thinking?: string; summary?: { text?: string }[]; content?: { text?: string }[] }[];

const bearer = (apiKey: string) => ({ authorization: `Bearer ${apiKey}` });

/** Each shape's request as its own clients send it, and where each reads the reply and the reasoning. */
const SHAPES: Record<ApiShape, ShapeTest> = {
  "openai-chat": {
    path: "/chat/completions",
    headers: bearer,
    body: { messages: [{ role: "user", content: SELF_TEST_PROMPT }], max_tokens: SELF_TEST_MAX_TOKENS },
    read(body) {
      const choice = (
        body.choices as { message?: { content?: string | null; reasoning_content?: string | null }; finish_reason?: string | null }[] | undefined
      )?.[0];
      return {
        model: (body.model as string | undefined) ?? null,
        reply: choice?.message?.content ?? "",
        reasoning: choice?.message?.reasoning_content ?? "",
        finishReason: choice?.finish_reason ?? null,
        completionTokens: (body.usage as { completion_tokens?: number } | undefined)?.completion_tokens ?? null,
      };
    },
  },
  "anthropic-messages": {
    path: "/messages",
    headers: (apiKey) => ({ "x-api-key": apiKey, "anthropic-version": "2023-06-01" }),
    body: {
      model: "claude-code-test",
      max_tokens: SELF_TEST_MAX_TOKENS,
      thinking: { type: "enabled", budget_tokens: SELF_TEST_MAX_TOKENS - 56 },
      messages: [{ role: "user", content: SELF_TEST_PROMPT }],
    },
    read(body) {
      const content = (body.content as Blocks | undefined) ?? [];
      return {
        model: (body.model as string | undefined) ?? null,
        reply: content.flatMap((b) => (b.type === "text" ? [b.text ?? ""] : [])).join(""),
        reasoning: content.flatMap((b) => (b.type === "thinking" ? [b.thinking ?? ""] : [])).join(""),
        finishReason: (body.stop_reason as string | undefined) ?? null,
        completionTokens: (body.usage as { output_tokens?: number } | undefined)?.output_tokens ?? null,
      };
    },
  },
  responses: {
    path: "/responses",
    headers: bearer,
    body: { model: "codex-test", input: SELF_TEST_PROMPT, max_output_tokens: SELF_TEST_MAX_TOKENS },
    read(body) {
      const output = (body.output as Blocks | undefined) ?? [];
      const texts = (type: string, of: (item: Blocks[number]) => { text?: string }[] | undefined) =>
        output.flatMap((item) => (item.type === type ? (of(item) ?? []).map((part) => part.text ?? "") : [])).join("");
      return {
        model: (body.model as string | undefined) ?? null,
        reply: texts("message", (item) => item.content),
        reasoning: texts("reasoning", (item) => item.summary),
        finishReason: (body.status as string | undefined) ?? null,
        completionTokens: (body.usage as { output_tokens?: number } | undefined)?.output_tokens ?? null,
      };
    },
  },
};

/**
 * Sends one request of the given API shape through the running local API over HTTP, exactly as
 * that shape's clients would (base URL, key header, JSON body), and reports what came back.
 */
export async function runSelfTest(baseUrl: string, apiKey: string, shape: ApiShape = "openai-chat"): Promise<ApiTestResult> {
  const test = SHAPES[shape];
  const failed = (status: number | null, message: string): ApiTestResult => ({
    ok: false,
    status,
    model: null,
    reply: "",
    reasoning: "",
    finishReason: null,
    completionTokens: null,
    message,
  });
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${test.path}`, {
      method: "POST",
      headers: { ...test.headers(apiKey), "content-type": "application/json" },
      body: JSON.stringify(test.body),
      signal: AbortSignal.timeout(SELF_TEST_TIMEOUT_MS),
    });
  } catch (err) {
    return failed(null, `No answer from ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown> & { error?: { message?: string } };
  if (!response.ok) return failed(response.status, body.error?.message ?? `The API answered HTTP ${response.status}.`);
  return { ok: true, status: response.status, ...test.read(body), message: null };
}
