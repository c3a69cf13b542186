const THINK_CLOSE = "</think>";

/**
 * What of an assistant turn goes back into the context: the text after its last `</think>`, as
 * DeepSeek's chat template keeps it. Works for `<think>…</think>answer` and for `reasoning</think>answer`
 * without the opening tag (R1's newer template opens the thought in the prompt, and many clients store
 * the turn that way). A turn without `</think>` is all answer.
 */
export function answerOfAssistantTurn(text: string): string {
  const close = text.lastIndexOf(THINK_CLOSE);
  return (close === -1 ? text : text.slice(close + THINK_CLOSE.length)).trim();
}
