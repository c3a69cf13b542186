import fs from "node:fs";
import readline from "node:readline";

/**
 * A reader for chat fine-tuning JSONL that applies the checks OpenAI's fine-tuning guide runs on a
 * dataset before training (its cookbook "Data preparation and analysis for chat model fine-tuning"):
 * each line a JSON object with a `messages` list; every message has a known role and string
 * content and no unknown key; at least one assistant message. `reasoning_content` is accepted on
 * assistant messages where the reader is told to (the field DeepSeek's API and TRL's reasoning
 * datasets use), never elsewhere. Errors are counted by kind, as the cookbook does.
 */
export interface ChatDatasetReport {
  examples: Array<{ messages: Array<{ role: string; content: string; reasoning_content?: string }> }>;
  errors: Record<string, number>;
}

const ROLES = new Set(["system", "user", "assistant", "function", "tool"]);
const KEYS = new Set(["role", "content", "name", "function_call", "weight"]);

export async function readChatDataset(file: string, options: { reasoningField: boolean }): Promise<ChatDatasetReport> {
  const report: ChatDatasetReport = { examples: [], errors: {} };
  let valid = true;
  const fail = (kind: string) => {
    valid = false;
    report.errors[kind] = (report.errors[kind] ?? 0) + 1;
  };
  const lines = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let example: unknown;
    try {
      example = JSON.parse(line);
    } catch {
      fail("invalid_json");
      continue;
    }
    if (typeof example !== "object" || example === null || Array.isArray(example)) {
      fail("data_type");
      continue;
    }
    const messages = (example as { messages?: unknown }).messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      fail("missing_messages_list");
      continue;
    }
    valid = true;
    for (const message of messages as Array<Record<string, unknown>>) {
      if (!("role" in message) || !("content" in message)) fail("message_missing_key");
      const allowed = (key: string) => KEYS.has(key) || (key === "reasoning_content" && options.reasoningField && message.role === "assistant");
      if (Object.keys(message).some((key) => !allowed(key))) fail("message_unrecognized_key");
      if (!ROLES.has(String(message.role))) fail("unrecognized_role");
      if (typeof message.content !== "string" || !message.content) fail("missing_content");
      if ("reasoning_content" in message && typeof message.reasoning_content !== "string") fail("missing_content");
    }
    if (!messages.some((m: { role?: unknown }) => m.role === "assistant")) fail("example_missing_assistant_message");
    if (valid) report.examples.push(example as ChatDatasetReport["examples"][number]);
  }
  return report;
}
