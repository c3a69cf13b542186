import { z } from "zod";

const TextPart = z.object({ type: z.literal("text"), text: z.string() });

/** OpenAI chat message; content may be a string or text parts (images are refused: R1 reads text). */
export const OpenAiMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant"]),
  content: z
    .union([z.string(), z.array(TextPart)])
    .nullable()
    .optional(),
  /** Clients of DeepSeek's API may send it back; it is dropped (reasoning never re-enters the context). */
  reasoning_content: z.string().nullable().optional(),
});
export type OpenAiMessage = z.infer<typeof OpenAiMessage>;

export const ChatCompletionRequest = z.object({
  model: z.string().max(500).optional(),
  messages: z.array(OpenAiMessage).min(1).max(10_000),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  /** Not OpenAI's, but llama-server's and vLLM's: unset, R1 samples from the whole vocabulary. */
  top_k: z.number().int().min(0).max(1_000_000).nullable().optional(),
  max_tokens: z.number().int().min(1).max(1_048_576).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).max(1_048_576).nullable().optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullable()
    .optional(),
  n: z.literal(1).optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
