import { api } from "../api/client.js";
import type { Attachment, ChatDone, ChatMeasure, LargerContext } from "$shared/contract/chat.js";
import type { Message } from "$shared/contract/conversations.js";
import { ChatMessage } from "./chat-message.svelte.js";
import type { FrameScheduler } from "./streaming-markdown.svelte.js";
import { messageOf } from "../attempt.js";

export interface ChatDelta {
  jobId: string;
  thought: string;
  answer: string;
  /** Reasoning tokens so far, where the engine counts them. */
  thoughtTokens?: number;
}
export interface SendRequest {
  conversationId: string;
  /** Absent when going on with a stopped response (`resume`). */
  prompt?: string;
  /** Files attached to the prompt (read in the renderer: contents, never paths). */
  attachments?: Attachment[];
  thinkingBudget?: number;
  /** Regenerate / edit: this stored message and every later one are dropped before asking. */
  rewindFrom?: string;
  /** Go on with a response that stopped at the context, in a larger one (see ChatMessage.largerContext). */
  resume?: { thought: string; answer: string } & LargerContext;
}

type Routed = { kind: "delta"; event: ChatDelta } | { kind: "done"; event: ChatDone };
const STARTING = "(starting)";

/** What the chat needs from the core; the only place chat calls are named. */
export interface ChatGateway {
  messages(conversationId: string): Promise<Message[]>;
  send(request: SendRequest): Promise<{ jobId: string }>;
  /** Tokens the question and its files would take, counted by the loaded model. */
  measure?(request: { conversationId?: string; prompt: string; attachments: Attachment[] }): Promise<ChatMeasure>;
  cancel(jobId: string): Promise<void>;
  onDelta(listener: (delta: ChatDelta) => void): () => void;
  onDone(listener: (done: ChatDone) => void): () => void;
}

export const coreChatGateway: ChatGateway = {
  messages: async (conversationId) => (await api.call("conversations.get", { id: conversationId })).messages,
  send: (request) =>
    api.call("chat.send", {
      conversationId: request.conversationId,
      prompt: request.prompt,
      attachments: request.attachments?.length ? request.attachments : undefined,
      rewindFrom: request.rewindFrom,
      resume: request.resume,
      options: request.thinkingBudget === undefined ? {} : { thinkingBudget: request.thinkingBudget },
    }),
  measure: (request) => api.call("chat.measure", request),
  cancel: async (jobId) => void (await api.call("jobs.cancel", { jobId })),
  onDelta: (listener) => api.on("chat.delta", listener),
  onDone: (listener) => api.on("chat.done", listener),
};

/** The open conversation: its messages and the one generation that may be running. */
export class ChatSession {
  #conversationId = $state<string | undefined>();
  #messages = $state.raw<ChatMessage[]>([]);
  #jobId = $state<string | undefined>();
  #error = $state<string | undefined>();
  #thinkingBudget = $state<number | undefined>();
  #answering = $state<string | undefined>();
  private streamingMessage: ChatMessage | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  /** `createConversation` makes a conversation when a question is asked with none open, and returns its id. */
  constructor(
    private readonly gateway: ChatGateway = coreChatGateway,
    private readonly scheduler?: FrameScheduler,
    private readonly createConversation?: () => Promise<string | undefined>,
  ) {}

  get conversationId(): string | undefined {
    return this.#conversationId;
  }

  get messages(): ChatMessage[] {
    return this.#messages;
  }

  /** The running generation's job ("(starting)" until chat.send answers); undefined when none runs. */
  get jobId(): string | undefined {
    return this.#jobId;
  }

  get error(): string | undefined {
    return this.#error;
  }

  /** Sent with each question; undefined: no limit. */
  get thinkingBudget(): number | undefined {
    return this.#thinkingBudget;
  }

  /** The composer's choice for the next questions (Settings sets the default through the app). */
  setThinkingBudget(budget: number | undefined): void {
    this.#thinkingBudget = budget;
  }

  get generating(): boolean {
    return this.#jobId !== undefined;
  }

  /** The conversation an answer is being written for, even after another one was opened. */
  get generatingConversationId(): string | undefined {
    return this.generating ? this.#answering : undefined;
  }

  /** Subscribes to the streams; call once. */
  connect(): void {
    this.unsubscribe.push(
      this.gateway.onDelta((d) => this.route({ kind: "delta", event: d })),
      this.gateway.onDone((d) => this.route({ kind: "done", event: d })),
    );
  }

  /** Events can overtake the reply to chat.send; those are held until the job id is known. */
  private early: Routed[] = [];

  private route(routed: Routed): void {
    if (this.jobId === STARTING) {
      this.early.push(routed);
      return;
    }
    if (routed.event.jobId !== this.jobId) return;
    if (routed.kind === "delta") {
      this.streamingMessage?.receive(routed.event.thought, routed.event.answer, routed.event.thoughtTokens);
    } else {
      const done = routed.event;
      this.streamingMessage?.finish(done.stopReason, done.metrics, done.message, done.largerContext);
      this.takeStoredIds(done);
      this.#jobId = undefined;
      this.streamingMessage = undefined;
    }
  }

  disconnect(): void {
    this.unsubscribe.splice(0).forEach((stop) => stop());
  }

  async open(conversationId: string | undefined): Promise<void> {
    this.#conversationId = conversationId;
    this.#error = undefined;
    if (!conversationId) {
      this.#messages = [];
      return;
    }
    const stored = await this.gateway.messages(conversationId);
    if (this.conversationId === conversationId && !this.generating) {
      this.#messages = stored.map((m) => new ChatMessage(m, this.scheduler));
    }
  }

  /** Messages made here carry local ids until chat.done names the stored ones; regenerate and edit need the store's. */
  private takeStoredIds(done: ChatDone): void {
    const reply = this.streamingMessage;
    if (!reply) return;
    if (done.messageId) reply.stored(done.messageId);
    const question = this.messages[this.messages.indexOf(reply) - 1];
    if (done.userMessageId && question?.role === "user") question.stored(done.userMessageId);
  }

  /** What a question with these files would take in the context (chat.measure). */
  measure(prompt: string, attachments: Attachment[]): Promise<ChatMeasure> {
    if (!this.gateway.measure) return Promise.reject(new Error("Tokens cannot be counted here."));
    return this.gateway.measure({ conversationId: this.conversationId, prompt, attachments });
  }

  async send(text: string, attachments: Attachment[] = []): Promise<void> {
    const trimmed = text.trim();
    if ((!trimmed && !attachments.length) || this.generating) return;
    if (!this.conversationId) this.#conversationId = await this.createConversation?.();
    if (!this.conversationId) return;
    await this.start({ prompt: trimmed, attachments }, [...this.messages, new ChatMessage({ role: "user", text: trimmed, attachments })]);
  }

  /** Answers the last question again, dropping the last answer. */
  async regenerate(): Promise<void> {
    const lastUser = this.messages.findLastIndex((m) => m.role === "user");
    if (lastUser < 0 || this.generating) return;
    const question = this.messages[lastUser]!;
    // The question's files go with it again: without them the new answer would not see the code.
    await this.start({ prompt: question.content, attachments: question.attachments, rewindFrom: question.id }, this.messages.slice(0, lastUser + 1));
  }

  /** Replaces a question with new text and asks again; later messages are dropped. */
  async editAndResend(messageId: string, text: string): Promise<void> {
    const index = this.messages.findIndex((m) => m.id === messageId);
    if (index < 0 || this.generating || !text.trim()) return;
    // The question's files stay with it when its text is edited.
    const { attachments } = this.messages[index]!;
    const edited = new ChatMessage({ role: "user", text: text.trim(), attachments });
    await this.start({ prompt: edited.content, attachments, rewindFrom: this.messages[index]!.id }, [...this.messages.slice(0, index), edited]);
  }

  /**
   * The last answer stopped at the context: the model is loaded again with the larger context it
   * offered and the same response goes on, keeping what it wrote (it replaces the stopped message).
   */
  async continueInLargerContext(): Promise<void> {
    const stopped = this.messages.at(-1);
    if (!stopped || stopped.role !== "assistant" || !stopped.largerContext || this.generating) return;
    const kept = { thought: stopped.thought.text, answer: stopped.answer.text };
    await this.start({ rewindFrom: stopped.id, resume: { ...kept, ...stopped.largerContext } }, this.messages.slice(0, -1), kept);
  }

  async stop(): Promise<void> {
    if (this.jobId && this.jobId !== STARTING) await this.gateway.cancel(this.jobId);
  }

  /** `rewindFrom`: regenerate and edit drop that stored message and what followed, then ask. `kept`: text the reply starts with. */
  private async start(
    request: Pick<SendRequest, "prompt" | "attachments" | "rewindFrom" | "resume">,
    before: ChatMessage[],
    kept?: { thought: string; answer: string },
  ): Promise<void> {
    const reply = new ChatMessage({ role: "assistant", streaming: true }, this.scheduler);
    if (kept) reply.receive(kept.thought, kept.answer);
    this.#messages = [...before, reply];
    this.streamingMessage = reply;
    this.#error = undefined;
    this.#jobId = STARTING;
    this.#answering = this.conversationId;
    try {
      const { jobId } = await this.gateway.send({ conversationId: this.conversationId!, thinkingBudget: this.thinkingBudget, ...request });
      this.#jobId = jobId;
      this.early.splice(0).forEach((routed) => this.route(routed));
    } catch (err) {
      this.#jobId = undefined;
      this.early = [];
      this.streamingMessage = undefined;
      reply.fail(messageOf(err));
      this.#error = reply.error;
    }
  }
}
