import { randomBytes } from "node:crypto";
import type { ChatModelFunctions, GbnfJsonSchema, LlamaChat, LlamaChatResponse, LlamaGrammar } from "node-llama-cpp";
import type { ToolCall, ToolOptions } from "../shared/contract/tools.js";
import { AppError } from "../shared/errors.js";
import { SchemaProblem, toGrammarSchema } from "../shared/tool-schema.js";

/**
 * The functions a response may call, as node-llama-cpp takes them: each tool's parameters as a
 * grammar-ready schema, so the arguments the model writes always parse. `none` offers none; a named
 * choice offers that one alone.
 */
export function functionsFor(options: ToolOptions | undefined): ChatModelFunctions | undefined {
  const tools = options?.tools ?? [];
  const choice = options?.toolChoice ?? "auto";
  if (tools.length === 0 || choice === "none") return undefined;
  const offered = typeof choice === "object" ? tools.filter((tool) => tool.name === choice.name) : tools;
  if (offered.length === 0) throw new AppError("bad-request", `tool_choice names "${(choice as { name: string }).name}", which is not among the tools.`);
  const functions: Record<string, { description?: string; params: GbnfJsonSchema }> = {};
  for (const tool of offered) {
    const params = grammarSchema(tool.parameters ?? { type: "object", properties: {} }, `The parameters of tool "${tool.name}"`, true);
    functions[tool.name] = { ...(tool.description ? { description: tool.description } : {}), params };
  }
  return functions;
}

/** The grammar an answer format asks for; undefined: free text. */
export async function answerGrammar(chat: LlamaChat, options: ToolOptions | undefined): Promise<LlamaGrammar | undefined> {
  const format = options?.responseFormat;
  if (!format) return undefined;
  const llama = chat.model.llama;
  if (format.type === "json_object") return llama.getGrammarFor("json");
  // The schema was checked and converted above; its literal type cannot be known here.
  return llama.createGrammarForJsonSchema(grammarSchema(format.schema, "response_format.json_schema.schema") as never);
}

function grammarSchema(schema: unknown, label: string, objectOnly = false): GbnfJsonSchema {
  try {
    return toGrammarSchema(schema, label, objectOnly) as GbnfJsonSchema;
  } catch (err) {
    if (err instanceof SchemaProblem) throw new AppError("bad-request", err.message);
    throw err;
  }
}

/** The calls a response ended with, each with a fresh id in OpenAI's style. */
export function toolCallsOf(response: LlamaChatResponse<ChatModelFunctions> | LlamaChatResponse): Omit<ToolCall, "result">[] {
  const calls = "functionCalls" in response ? (response.functionCalls ?? []) : [];
  return calls.map((call) => ({
    id: `call_${randomBytes(12).toString("base64url")}`,
    name: call.functionName,
    arguments: JSON.stringify(call.params ?? {}),
  }));
}
