import { z } from "zod";

// What OpenAI-compatible servers send back, parsed at the boundary. Fields differ by server:
// vLLM ≥ 0.9 and the DeepSeek API use `reasoning_content`, newer vLLM/SGLang builds `reasoning`,
// llama-server `reasoning_content`; servers without a parser put `<think>` in `content`.

const Text = z.string().nullish();

export const Usage = z
  .object({
    prompt_tokens: z.number().int().nonnegative().nullish(),
    /** OpenAI's meaning: the part of prompt_tokens the server reused from its cache. */
    prompt_tokens_details: z.object({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
    completion_tokens: z.number().int().nonnegative().nullish(),
    completion_tokens_details: z.object({ reasoning_tokens: z.number().int().nonnegative().nullish() }).nullish(),
  })
  .nullish();
export type Usage = z.infer<typeof Usage>;

const Delta = z.object({ content: Text, reasoning_content: Text, reasoning: Text }).nullish();

export const StreamChunk = z.object({
  choices: z.array(z.object({ delta: Delta, finish_reason: z.string().nullish() })).nullish(),
  usage: Usage,
  /** Some servers (vLLM, llama-server) report a failure inside the stream. */
  error: z.object({ message: z.string().nullish() }).passthrough().nullish(),
});
export type StreamChunk = z.infer<typeof StreamChunk>;

export const WholeResponse = z.object({
  choices: z.array(z.object({ message: z.object({ content: Text, reasoning_content: Text, reasoning: Text }), finish_reason: z.string().nullish() })).min(1),
  usage: Usage,
});
export type WholeResponse = z.infer<typeof WholeResponse>;

export const ModelList = z.object({ data: z.array(z.object({ id: z.string() })) });

/** `{"error": {"message": …}}` (OpenAI, vLLM, llama-server), `{"message": …}` (SGLang), or `{"detail": …}` (FastAPI). */
const ErrorShapes = [
  z.object({ error: z.object({ message: z.string() }) }).transform((b) => b.error.message),
  z.object({ error: z.string() }).transform((b) => b.error),
  z.object({ message: z.string() }).transform((b) => b.message),
  z.object({ detail: z.string() }).transform((b) => b.detail),
  z.object({ detail: z.array(z.object({ msg: z.string() })) }).transform((b) => b.detail.map((d) => d.msg).join("; ")),
];

/**
 * The server's own words from an error body, if it sent them as JSON. Anything else (an HTML page,
 * a proxy's text) is never echoed: an address pointed at an internal service must not read it back.
 */
export function errorMessageOf(text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  for (const shape of ErrorShapes) {
    const parsed = shape.safeParse(json);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}
