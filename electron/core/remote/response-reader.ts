import { AppError } from "../kernel/errors.js";
import { sseData } from "./sse.js";
import { ThinkSplitter } from "./think-splitter.js";
import { StreamChunk, WholeResponse, type Usage } from "./wire-schemas.js";

/**
 * R1's end-of-sentence marker as text: llama-server (with --jinja, which renders special tokens so
 * its R1 parser can see them) leaves it at the end of `content`; it is never part of an answer.
 */
const END_OF_SENTENCE = "<｜end▁of▁sentence｜>";
const clean = (text: string | null | undefined) => (text ?? "").replaceAll(END_OF_SENTENCE, "");

export type ReadPiece = { kind: "text"; thought: string; answer: string } | { kind: "end"; finishReason: string | null; usage: Usage };

/**
 * Reads a chat completion — a server-sent-event stream, or one whole JSON answer from a server that
 * ignored `stream` — into reasoning and answer pieces. Reasoning comes from `reasoning_content` or
 * `reasoning` where the server has a parser, else from `<think>` in `content` (ThinkSplitter).
 * Every chunk is parsed with zod; one that does not fit is an error, never a silent skip.
 */
export async function* readCompletion(
  body: AsyncIterable<Uint8Array>,
  contentType: string,
  splitter: ThinkSplitter,
  where: string,
): AsyncGenerator<ReadPiece, void, undefined> {
  if (!contentType.includes("text/event-stream")) {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
    const whole = WholeResponse.safeParse(safeJson(text));
    if (!whole.success) throw new AppError("failed", `${where} answered with something that is not a chat completion.`, { reason: "bad-response" });
    const choice = whole.data.choices[0]!;
    const reasoning = clean(choice.message.reasoning_content ?? choice.message.reasoning);
    if (reasoning) yield { kind: "text", thought: reasoning, answer: clean(choice.message.content) };
    else yield { kind: "text", ...splitter.push(clean(choice.message.content)) };
    const rest = splitter.finish();
    if (rest.thought || rest.answer) yield { kind: "text", thought: rest.thought, answer: rest.answer };
    return yield { kind: "end", finishReason: choice.finish_reason ?? "stop", usage: whole.data.usage };
  }

  let finishReason: string | null = null;
  let usage: Usage = null;
  let sawReasoningField = false;
  // The blank line R1 writes after `</think>` reaches parsed servers' content too; it is layout.
  let answerStarted = false;
  for await (const data of sseData(body)) {
    if (data === "[DONE]") break;
    const parsed = StreamChunk.safeParse(safeJson(data));
    if (!parsed.success)
      throw new AppError("failed", `${where} sent a stream chunk that is not a chat completion chunk: ${data.slice(0, 120)}`, { reason: "bad-response" });
    const chunk = parsed.data;
    if (chunk.error) throw new AppError("unavailable", `${where} failed mid-answer: ${chunk.error.message ?? "no reason given"}`, { reason: "server-error" });
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      if (choice.finish_reason) finishReason = choice.finish_reason;
      const reasoning = clean(choice.delta?.reasoning_content ?? choice.delta?.reasoning);
      const content = clean(choice.delta?.content);
      if (reasoning) sawReasoningField = true;
      // With a reasoning parser the content is all answer; without one it may hold `<think>`.
      let split: { thought: string; answer: string };
      if (sawReasoningField) {
        const answer: string = answerStarted ? content : content.trimStart();
        answerStarted ||= answer !== "";
        split = { thought: "", answer };
      } else split = splitter.push(content);
      const thought = reasoning + split.thought;
      if (thought || split.answer) yield { kind: "text", thought, answer: split.answer };
    }
  }
  const ended = finishReason !== null;
  const rest = sawReasoningField ? { thought: "", answer: "" } : splitter.finish();
  if (rest.thought || rest.answer) yield { kind: "text", thought: rest.thought, answer: rest.answer };
  if (!ended) throw new AppError("unavailable", `The stream from ${where} ended before the answer did; what arrived is kept.`, { reason: "cut" });
  yield { kind: "end", finishReason, usage };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
