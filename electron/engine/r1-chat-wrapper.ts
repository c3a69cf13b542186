import path from "node:path";
import {
  DeepSeekChatWrapper,
  LlamaText,
  SpecialTokensText,
  resolveChatWrapper,
  type ChatWrapper,
  type ChatWrapperSettings,
  type LlamaModel,
} from "node-llama-cpp";
import type { ModelFamily } from "../shared/contract/engine.js";

/**
 * DeepSeek's own tool-call format (`<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>name`
 * and the arguments as a JSON block), which R1-0528 was trained on and the distills' templates
 * spell out. node-llama-cpp's default for DeepSeek is a `<function=…>` workaround; "original" is
 * the template's. Parallel calls are allowed by the format; a request limits them per response.
 * Earlier turns' thoughts are dropped from the context (keepOnlyLastThought).
 */
const DEEPSEEK_OPTIONS = { keepOnlyLastThought: true, functionCallingSyntax: "original", parallelFunctionCalling: true } as const;

/** DeepSeek's wrapper with the tool results closed as the published templates close them. */
export class ToolCallingDeepSeekChatWrapper extends DeepSeekChatWrapper {
  override readonly wrapperName: string = "DeepSeek R1";
  override readonly settings: ChatWrapperSettings = withTemplateToolResults(new DeepSeekChatWrapper(DEEPSEEK_OPTIONS).settings);

  constructor() {
    super(DEEPSEEK_OPTIONS);
  }

  /** A client's tool result is text: it goes in as written, not as a JSON string of it. */
  override generateFunctionCallResult(functionName: string, functionParams: unknown, result: unknown): LlamaText {
    const text = typeof result === "string" ? result : result === undefined ? "void" : JSON.stringify(result);
    const { prefix, suffix } = this.settings.functions.result;
    return LlamaText([LlamaText(prefix), text, LlamaText(suffix)]);
  }
}

/**
 * DeepSeek's templates end the tool outputs with `<｜tool▁outputs▁end｜>` and let the answer follow
 * at once; node-llama-cpp adds `<｜Assistant｜>` there, which the models never saw.
 */
function withTemplateToolResults(settings: ChatWrapperSettings): ChatWrapperSettings {
  const parallelism = settings.functions.parallelism;
  if (!parallelism?.result) return settings;
  return {
    ...settings,
    functions: {
      ...settings.functions,
      parallelism: { ...parallelism, result: { ...parallelism.result, sectionSuffix: LlamaText(new SpecialTokensText("<｜tool▁outputs▁end｜>")) } },
    },
  };
}

/**
 * DeepSeek's chat format with the response forced to start inside the reasoning (`<think>\n`), as
 * DeepSeek recommends for the original R1 distills. node-llama-cpp's DeepSeek wrapper does not do
 * this; `responsePrefix` would not either (it is plain response text, not a thought). Opening the
 * thought segment on response start puts `<think>\n` into the context and reports what follows as
 * thought.
 */
export class ForcedThinkingDeepSeekChatWrapper extends ToolCallingDeepSeekChatWrapper {
  override readonly wrapperName: string = "DeepSeek R1 (forced thinking)";
  // The tool-calling settings with the thought opened on response start (a field initialiser cannot read the base's).
  override readonly settings: ChatWrapperSettings = withForcedThought(withTemplateToolResults(new DeepSeekChatWrapper(DEEPSEEK_OPTIONS).settings));
}

function withForcedThought(settings: ChatWrapperSettings): ChatWrapperSettings {
  return {
    ...settings,
    segments: {
      ...settings.segments,
      thought: {
        prefix: LlamaText(new SpecialTokensText("<think>\n")),
        suffix: LlamaText(new SpecialTokensText("</think>")),
        openOnResponseStart: true,
        reopenAfterFunctionCalls: false,
      },
    },
  };
}

export interface ChatSetup {
  family: ModelFamily;
  wrapper: ChatWrapper;
  forcedThinking: boolean;
  systemPromptAllowed: boolean;
}

function metadataText(model: LlamaModel): string {
  const general = model.fileInfo.metadata?.general as { name?: unknown; basename?: unknown; finetune?: unknown } | undefined;
  return [general?.name, general?.basename, general?.finetune, model.filename ? path.basename(model.filename) : ""]
    .filter((v): v is string => typeof v === "string")
    .join(" ");
}

/**
 * Which R1 behaviour a file gets. A DeepSeek chat template with a `<think>` token is an R1 model;
 * "0528" in its names marks the newer releases, which think on their own and accept a system prompt.
 */
export function detectFamily(model: LlamaModel, resolved: ChatWrapper): ModelFamily {
  const names = metadataText(model);
  const thinkToken = model.tokenize("<think>", true);
  const hasThinkToken = thinkToken.length === 1;
  const isDeepSeekFormat = resolved instanceof DeepSeekChatWrapper || /deepseek[-_ ]?r1/i.test(names);
  if (!isDeepSeekFormat || !hasThinkToken) return "other";
  return /0528/.test(names) ? "r1-0528" : "r1-distill";
}

export function setUpChat(model: LlamaModel, familyOverride?: ModelFamily): ChatSetup {
  const resolved = resolveChatWrapper(model, { customWrapperSettings: { deepSeek: { keepOnlyLastThought: true } } });
  const family = familyOverride ?? detectFamily(model, resolved);
  if (family === "r1-distill") {
    return { family, wrapper: new ForcedThinkingDeepSeekChatWrapper(), forcedThinking: true, systemPromptAllowed: false };
  }
  if (family === "r1-0528") {
    const wrapper = new ToolCallingDeepSeekChatWrapper();
    return { family, wrapper, forcedThinking: false, systemPromptAllowed: true };
  }
  return { family, wrapper: resolved, forcedThinking: false, systemPromptAllowed: true };
}
