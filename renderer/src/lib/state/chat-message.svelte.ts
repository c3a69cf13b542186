import { formatClock, formatCount, formatDuration } from "../format.js";
import { ReasoningPanel } from "./reasoning-panel.svelte.js";
import { StreamingMarkdown, type FrameScheduler } from "./streaming-markdown.svelte.js";

import { StopReason as StopReasonSchema, type Attachment, type GenerationMetrics, type LargerContext, type StopReason } from "$shared/contract/chat.js";
import type { Message, MessageMetrics } from "$shared/contract/conversations.js";

export type { GenerationMetrics, StopReason };

export type MessageStatus = "streaming" | "done" | "interrupted" | "error";

/** How a message starts on screen: from the store, or new (a question, an answer about to stream). */
export type MessageInit = Message | { role: "user"; text: string; attachments?: Attachment[] } | { role: "assistant"; streaming: true };

/** The store keeps metrics as flat facts; the ones the metrics line shows, read defensively. */
function metricsFromStore(stored: MessageMetrics | null): GenerationMetrics | undefined {
  if (!stored) return undefined;
  const num = (key: string) => (typeof stored[key] === "number" ? (stored[key] as number) : null);
  const str = (key: string) => (typeof stored[key] === "string" ? (stored[key] as string) : null);
  return {
    ttftMs: num("ttftMs"),
    promptTokens: num("promptTokens") ?? 0,
    cachedPromptTokens: num("cachedPromptTokens") ?? 0,
    promptTokensPerSecond: num("promptTokensPerSecond"),
    generatedTokens: num("generatedTokens") ?? 0,
    generationTokensPerSecond: num("generationTokensPerSecond"),
    thoughtTokens: num("thoughtTokens") ?? 0,
    answerTokens: num("answerTokens") ?? 0,
    thoughtStartedAt: str("thoughtStartedAt"),
    thoughtEndedAt: str("thoughtEndedAt"),
    totalMs: num("totalMs") ?? 0,
    backend: null,
    gpuLayers: num("gpuLayers") ?? 0,
    contextUsed: num("contextUsed") ?? 0,
    contextSize: num("contextSize") ?? 0,
    droppedMessages: num("droppedMessages") ?? 0,
  };
}

function asStopReason(value: string | null): StopReason | undefined {
  return StopReasonSchema.safeParse(value).data;
}

let localIds = 0;

function statusFor(stopReason: StopReason): MessageStatus {
  if (stopReason === "aborted" || stopReason === "crashed") return "interrupted";
  return stopReason === "error" ? "error" : "done";
}

/** One message on screen. An assistant message streams its trace and its answer separately. */
export class ChatMessage {
  #id: string;
  readonly role: "user" | "assistant";
  #content = $state("");
  /** Files attached to a question; they go with it again on regenerate and edit. */
  readonly attachments: Attachment[];
  #status = $state<MessageStatus>("done");
  #stopReason = $state<StopReason | undefined>();
  #metrics = $state<GenerationMetrics | undefined>();
  #notice = $state<string | undefined>();
  #error = $state<string | undefined>();
  #largerContext = $state<LargerContext | undefined>();
  #thoughtMs = $state<number | undefined>();
  #thoughtTokens = $state<number | undefined>();
  /** How long this response has been under way, while it thinks (see `tick`). */
  #elapsedMs = $state(0);
  readonly thought: StreamingMarkdown;
  readonly answer: StreamingMarkdown;
  readonly panel: ReasoningPanel;
  private thinkingSince: number | undefined;
  /** When the question was sent: the wait shown while thinking counts from here (prompt reading included). */
  private readonly startedAt: number;

  /** `clock`: milliseconds on a steady clock (tests pass their own). */
  constructor(
    init: MessageInit,
    scheduler?: FrameScheduler,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startedAt = clock();
    this.#id = "id" in init ? init.id : `local-${++localIds}`;
    this.role = init.role;
    this.thought = new StreamingMarkdown(scheduler);
    this.answer = new StreamingMarkdown(scheduler);
    if ("text" in init) this.#content = init.text;
    this.attachments = "attachments" in init ? (init.attachments ?? []) : [];
    if ("streaming" in init) this.#status = "streaming";
    if ("answer" in init) {
      this.#stopReason = asStopReason(init.stopReason);
      this.#status = init.interrupted ? "interrupted" : this.#stopReason ? statusFor(this.#stopReason) : "done";
      this.applyMetrics(metricsFromStore(init.metrics));
      this.thought.reset(init.thought);
      this.answer.reset(init.answer);
    }
    this.panel = new ReasoningPanel(this.#status === "streaming" ? "thinking" : "done");
  }

  /** The user's text (assistant text lives in `answer`). */
  get content(): string {
    return this.#content;
  }

  get status(): MessageStatus {
    return this.#status;
  }

  get stopReason(): StopReason | undefined {
    return this.#stopReason;
  }

  get metrics(): GenerationMetrics | undefined {
    return this.#metrics;
  }

  /** Why it stopped, for people, when that was not the normal end. */
  get notice(): string | undefined {
    return this.#notice;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** It stopped at the context and this larger one fits in memory: the "continue" action uses it. */
  /** The store's id; a message made here carries a local one until chat.done names it. */
  get id(): string {
    return this.#id;
  }

  /** The store kept this message under `id` (chat.done says so). */
  stored(id: string): void {
    this.#id = id;
  }

  get largerContext(): LargerContext | undefined {
    return this.#largerContext;
  }

  get thoughtMs(): number | undefined {
    return this.#thoughtMs;
  }

  get thoughtTokens(): number | undefined {
    return this.#thoughtTokens;
  }

  get streaming(): boolean {
    return this.#status === "streaming";
  }

  /**
   * The status the page shows: a finished message reads as finished only from the frame that
   * draws its last text, so whoever waits for "done" finds the whole answer on the page.
   */
  get shownStatus(): MessageStatus {
    const drawn = this.thought.drawn && this.answer.drawn;
    return this.#status !== "streaming" && !drawn ? "streaming" : this.#status;
  }

  /** Time since the question was sent, while the model thinks (updated by `tick` and by each delta). */
  get elapsedMs(): number {
    return this.#elapsedMs;
  }

  /**
   * The trace header: "Thinking… 1:23 · 1,240 tokens" while it thinks (the wait and the reasoning
   * tokens so far, where the engine counts them), then "Thought for 12.4 s · 843 tokens".
   */
  get thoughtTitle(): string {
    if (this.panel.phase === "thinking") {
      const parts = [`Thinking… ${formatClock(this.#elapsedMs)}`];
      if (this.#thoughtTokens) parts.push(`${formatCount(this.#thoughtTokens)} tokens`);
      return parts.join(" · ");
    }
    const parts = [this.#thoughtMs !== undefined ? `Thought for ${formatDuration(this.#thoughtMs)}` : "Thought"];
    if (this.#thoughtTokens) parts.push(`${formatCount(this.#thoughtTokens)} tokens`);
    return parts.join(" · ");
  }

  get hasThought(): boolean {
    return this.thought.length > 0;
  }

  /** The clock moved on (the view calls this about once a second while it thinks). */
  tick(now = this.clock()): void {
    if (this.panel.phase === "thinking") this.#elapsedMs = Math.max(0, now - this.startedAt);
  }

  /** `thoughtTokens`: the engine's count of reasoning tokens so far, when it sends one. */
  receive(thought: string, answer: string, thoughtTokens?: number, now = this.clock()): void {
    if (thoughtTokens !== undefined && thoughtTokens > 0) this.#thoughtTokens = thoughtTokens;
    this.tick(now);
    if (thought) {
      this.thinkingSince ??= now;
      this.thought.append(thought);
    }
    if (answer) {
      if (this.panel.phase === "thinking") this.endThinking(now);
      this.answer.append(answer);
    }
  }

  finish(
    stopReason: StopReason,
    metrics: GenerationMetrics | null | undefined,
    notice?: string | null,
    largerContext?: LargerContext | null,
    now = this.clock(),
  ): void {
    if (this.panel.phase === "thinking") this.endThinking(now);
    this.panel.finished();
    // The last text is drawn on the next frame; `shownStatus` turns to the end state on that frame.
    this.thought.end();
    this.answer.end();
    this.#stopReason = stopReason;
    this.#notice = notice ?? undefined;
    this.#largerContext = largerContext ?? undefined;
    this.applyMetrics(metrics ?? undefined);
    this.#status = statusFor(stopReason);
  }

  private applyMetrics(metrics: GenerationMetrics | undefined): void {
    this.#metrics = metrics;
    if (!metrics) return;
    if (metrics.thoughtTokens > 0) this.#thoughtTokens = metrics.thoughtTokens;
    if (metrics.thoughtStartedAt && metrics.thoughtEndedAt) {
      this.#thoughtMs = Date.parse(metrics.thoughtEndedAt) - Date.parse(metrics.thoughtStartedAt);
    }
  }

  fail(message: string): void {
    this.#error = message;
    this.#status = "error";
    this.panel.finished();
  }

  private endThinking(now: number): void {
    if (this.thinkingSince !== undefined) this.#thoughtMs = now - this.thinkingSince;
    this.panel.answerStarted();
  }
}
