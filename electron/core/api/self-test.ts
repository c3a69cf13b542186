import type { ApiTestResult } from "../../shared/contract/api.js";

/** What the test asks; short, so a small model answers before the token limit. */
export const SELF_TEST_PROMPT = "Reply with one short sentence: are you ready to help with code?";
/** Enough for a distill's short reasoning and a sentence; a longer trace is cut and reported as such. */
const SELF_TEST_MAX_TOKENS = 256;
const SELF_TEST_TIMEOUT_MS = 180_000;

interface CompletionBody {
  model?: string;
  choices?: { message?: { content?: string | null; reasoning_content?: string | null }; finish_reason?: string | null }[];
  usage?: { completion_tokens?: number };
  error?: { message?: string };
}

/**
 * Sends one chat completion through the running local API over HTTP, exactly as an editor would
 * (base URL, Bearer key, JSON body), and reports what came back.
 */
export async function runSelfTest(baseUrl: string, apiKey: string): Promise<ApiTestResult> {
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
    response = await fetch(`${baseUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: SELF_TEST_PROMPT }], max_tokens: SELF_TEST_MAX_TOKENS }),
      signal: AbortSignal.timeout(SELF_TEST_TIMEOUT_MS),
    });
  } catch (err) {
    return failed(null, `No answer from ${baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const body = (await response.json().catch(() => ({}))) as CompletionBody;
  if (!response.ok) return failed(response.status, body.error?.message ?? `The API answered HTTP ${response.status}.`);
  const choice = body.choices?.[0];
  return {
    ok: true,
    status: response.status,
    model: body.model ?? null,
    reply: choice?.message?.content ?? "",
    reasoning: choice?.message?.reasoning_content ?? "",
    finishReason: choice?.finish_reason ?? null,
    completionTokens: body.usage?.completion_tokens ?? null,
    message: null,
  };
}
