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
 * DeepSeek's chat format with the response forced to start inside the reasoning (`<think>\n`), as
 * DeepSeek recommends for the original R1 distills. node-llama-cpp's DeepSeek wrapper does not do
 * this; `responsePrefix` would not either (it is plain response text, not a thought). Opening the
 * thought segment on response start puts `<think>\n` into the context and reports what follows as
 * thought. Earlier turns' thoughts are dropped from the context (keepOnlyLastThought).
 */
const DEEPSEEK_OPTIONS = { keepOnlyLastThought: true } as const;

export class ForcedThinkingDeepSeekChatWrapper extends DeepSeekChatWrapper {
  override readonly wrapperName: string = "DeepSeek R1 (forced thinking)";
  // DeepSeek's own settings with the thought opened on response start (a field initialiser cannot read the base's).
  override readonly settings: ChatWrapperSettings = withForcedThought(new DeepSeekChatWrapper(DEEPSEEK_OPTIONS).settings);

  constructor() {
    super(DEEPSEEK_OPTIONS);
  }
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
    const wrapper = resolved instanceof DeepSeekChatWrapper ? resolved : new DeepSeekChatWrapper({ keepOnlyLastThought: true });
    return { family, wrapper, forcedThinking: false, systemPromptAllowed: true };
  }
  return { family, wrapper: resolved, forcedThinking: false, systemPromptAllowed: true };
}
