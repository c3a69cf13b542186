import type { ToolOptions } from "../../shared/contract/tools.js";
import { ToolName } from "../../shared/contract/tools.js";
import { SchemaProblem, toGrammarSchema } from "../../shared/tool-schema.js";
import { AppError } from "../kernel/errors.js";
import type { ChatCompletionRequest } from "./openai-schemas.js";

/**
 * A request's `tools`, `tool_choice`, `parallel_tool_calls`, `stop` and `response_format` as the
 * engine takes them. Every schema is checked here, so a bad one is a 400 naming it before the
 * engine is asked.
 */
export function toolOptionsOf(request: ChatCompletionRequest): ToolOptions | undefined {
  const options: ToolOptions = {};
  const tools = request.tools ?? [];
  const names = new Set<string>();
  tools.forEach((tool, i) => {
    const name = tool.function.name;
    if (!ToolName.safeParse(name).success) refuse(`tools[${i}].function.name must be 1 to 64 letters, digits, '_' or '-'.`);
    if (names.has(name)) refuse(`tools[${i}].function.name "${name}" is given twice.`);
    names.add(name);
    checked(() => toGrammarSchema(tool.function.parameters ?? { type: "object" }, `tools[${i}].function.parameters`, true));
  });
  if (tools.length > 0) options.tools = tools.map(({ function: f }) => ({ name: f.name, description: f.description, parameters: f.parameters }));
  const choice = request.tool_choice;
  if (choice && typeof choice === "object") {
    if (!names.has(choice.function.name)) refuse(`tool_choice names "${choice.function.name}", which is not among the tools.`);
    options.toolChoice = { name: choice.function.name };
  } else if (choice) {
    if (choice === "required" && tools.length === 0) refuse(`tool_choice "required" needs tools.`);
    options.toolChoice = choice;
  }
  if (request.parallel_tool_calls === false) options.parallelToolCalls = false;
  const stop = request.stop;
  if (stop) options.stop = typeof stop === "string" ? [stop] : stop;
  const format = request.response_format;
  if (format?.type === "json_object") options.responseFormat = { type: "json_object" };
  if (format?.type === "json_schema") {
    const schema = format.json_schema.schema ?? { type: "object" };
    checked(() => toGrammarSchema(schema, "response_format.json_schema.schema"));
    options.responseFormat = { type: "json_schema", schema };
  }
  return Object.keys(options).length > 0 ? options : undefined;
}

function refuse(message: string): never {
  throw new AppError("bad-request", message);
}

function checked(check: () => unknown): void {
  try {
    check();
  } catch (err) {
    if (err instanceof SchemaProblem) refuse(err.message);
    throw err;
  }
}
