import { AppError } from "../kernel/errors.js";
import { bounded, BodyTooLarge, limitText, MAX_REMOTE_ANSWER_BYTES, readBoundedText } from "../kernel/read-limits.js";
import { sseData, SseLineTooLong } from "./sse.js";
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
 * Every chunk is parsed with zod; one that does not fit is an error, never a silent skip. What is
 * read is bounded (read-limits.ts): an answer, a line or an event past its cap ends the read with
 * a message naming the server and the cap.
 */
export async function* readCompletion(
  body: AsyncIterable<Uint8Array>,
  contentType: string,
  splitter: ThinkSplitter,
  where: string,
): AsyncGenerator<ReadPiece, void, undefined> {
  try {
    yield* readPieces(bounded(body, MAX_REMOTE_ANSWER_BYTES), contentType, splitter, where);
  } catch (err) {
    throw tooMuchFrom(err, where) ?? err;
  }
}

/** The AppError for a body or a line past its cap, naming the server and the cap; undefined for any other error. */
export function tooMuchFrom(err: unknown, where: string): AppError | undefined {
  if (err instanceof BodyTooLarge)
    return new AppError("failed", `${where} sent more than ${limitText(err.limit)}, more than any answer can be; the request was stopped.`, {
      reason: "too-large",
      cause: err,
    });
  if (err instanceof SseLineTooLong)
    return new AppError(
      "failed",
      `${where} sent one stream line longer than ${limitText(err.limit)}, more than any piece of an answer can be; the request was stopped.`,
      {
        reason: "too-large",
        cause: err,
      },
    );
  return undefined;
}

/** An HTML page where an API answer belongs: the address leads to a website, a login page or a proxy. */
export function htmlPageError(contentType: string, where: string, what: string): AppError | undefined {
  if (!/^\s*(text\/html|application\/xhtml)/i.test(contentType)) return undefined;
  return new AppError(
    "failed",
    `${where} answered with a web page (${contentType.split(";")[0]!.trim()}), not ${what}. Is the base URL the API's, ending in /v1?`,
    {
      reason: "bad-response",
    },
  );
}

async function* readPieces(
  body: AsyncIterable<Uint8Array>,
  contentType: string,
  splitter: ThinkSplitter,
  where: string,
): AsyncGenerator<ReadPiece, void, undefined> {
  const page = htmlPageError(contentType, where, "a chat completion");
  if (page) throw page;
  if (!contentType.includes("text/event-stream")) {
    const text = await readBoundedText(body, MAX_REMOTE_ANSWER_BYTES);
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
