import { api } from "../api/client.js";
import type { ChatDone } from "../../../../electron/shared/contract/chat.js";
import type { Message } from "../../../../electron/shared/contract/conversations.js";
import { ChatMessage } from "./chat-message.svelte.js";
import type { FrameScheduler } from "./streaming-markdown.svelte.js";
import { messageOf } from "../attempt.js";

export interface ChatDelta {
  jobId: string;
  thought: string;
  answer: string;
}
export interface SendRequest {
  conversationId: string;
  prompt: string;
  thinkingBudget?: number;
  /** Regenerate / edit: this stored message and every later one are dropped before asking. */
  rewindFrom?: string;
}

type Routed = { kind: "delta"; event: ChatDelta } | { kind: "done"; event: ChatDone };
const STARTING = "(starting)";

/** What the chat needs from the core; the only place chat calls are named. */
export interface ChatGateway {
  messages(conversationId: string): Promise<Message[]>;
  send(request: SendRequest): Promise<{ jobId: string }>;
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
      rewindFrom: request.rewindFrom,
      options: request.thinkingBudget === undefined ? {} : { thinkingBudget: request.thinkingBudget },
    }),
  cancel: async (jobId) => void (await api.call("jobs.cancel", { jobId })),
  onDelta: (listener) => api.on("chat.delta", listener),
  onDone: (listener) => api.on("chat.done", listener),
};

/** The open conversation: its messages and the one generation that may be running. */
export class ChatSession {
  conversationId = $state<string | undefined>();
  messages = $state.raw<ChatMessage[]>([]);
  jobId = $state<string | undefined>();
  error = $state<string | undefined>();
  thinkingBudget = $state<number | undefined>();
  /** Makes a conversation when a question is asked with none open; returns its id. */
  createConversation: (() => Promise<string | undefined>) | undefined;
  #answering = $state<string | undefined>();
  private streamingMessage: ChatMessage | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly gateway: ChatGateway = coreChatGateway,
    private readonly scheduler?: FrameScheduler,
  ) {}

  get generating(): boolean {
    return this.jobId !== undefined;
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
      this.streamingMessage?.receive(routed.event.thought, routed.event.answer);
    } else {
      this.streamingMessage?.finish(routed.event.stopReason, routed.event.metrics, routed.event.message);
      this.jobId = undefined;
      this.streamingMessage = undefined;
      void this.adoptStoredIds();
    }
  }

  disconnect(): void {
    this.unsubscribe.splice(0).forEach((stop) => stop());
  }

  async open(conversationId: string | undefined): Promise<void> {
    this.conversationId = conversationId;
    this.error = undefined;
    if (!conversationId) {
      this.messages = [];
      return;
    }
    const stored = await this.gateway.messages(conversationId);
    if (this.conversationId === conversationId && !this.generating) {
      this.messages = stored.map((m) => new ChatMessage(m, this.scheduler));
    }
  }

  /** Messages made here carry local ids until the store has them; regenerate and edit need the store's. */
  private async adoptStoredIds(): Promise<void> {
    const conversationId = this.conversationId;
    if (!conversationId) return;
    const stored = await this.gateway.messages(conversationId).catch(() => []);
    if (conversationId !== this.conversationId || this.generating || stored.length !== this.messages.length) return;
    stored.forEach((m, i) => {
      if (this.messages[i]!.role === m.role) this.messages[i]!.id = m.id;
    });
  }

  async send(text: string): Promise<void> {
    const trimmed = text.trim();
    if (!trimmed || this.generating) return;
    if (!this.conversationId) this.conversationId = await this.createConversation?.();
    if (!this.conversationId) return;
    await this.start(trimmed, [...this.messages, new ChatMessage({ role: "user", text: trimmed })]);
  }

  /** Answers the last question again, dropping the last answer. */
  async regenerate(): Promise<void> {
    const lastUser = this.messages.findLastIndex((m) => m.role === "user");
    if (lastUser < 0 || this.generating) return;
    const question = this.messages[lastUser]!;
    await this.start(question.content, this.messages.slice(0, lastUser + 1), question.id);
  }

  /** Replaces a question with new text and asks again; later messages are dropped. */
  async editAndResend(messageId: string, text: string): Promise<void> {
    const index = this.messages.findIndex((m) => m.id === messageId);
    if (index < 0 || this.generating || !text.trim()) return;
    const edited = new ChatMessage({ role: "user", text: text.trim() });
    await this.start(edited.content, [...this.messages.slice(0, index), edited], this.messages[index]!.id);
  }

  async stop(): Promise<void> {
    if (this.jobId && this.jobId !== STARTING) await this.gateway.cancel(this.jobId);
  }

  /** `rewindFrom`: regenerate and edit drop that stored message and what followed, then ask. */
  private async start(text: string, before: ChatMessage[], rewindFrom?: string): Promise<void> {
    const reply = new ChatMessage({ role: "assistant", streaming: true }, this.scheduler);
    this.messages = [...before, reply];
    this.streamingMessage = reply;
    this.error = undefined;
    this.jobId = STARTING;
    this.#answering = this.conversationId;
    try {
      const { jobId } = await this.gateway.send({
        conversationId: this.conversationId!,
        prompt: text,
        thinkingBudget: this.thinkingBudget,
        rewindFrom,
      });
      this.jobId = jobId;
      this.early.splice(0).forEach((routed) => this.route(routed));
    } catch (err) {
      this.jobId = undefined;
      this.early = [];
      this.streamingMessage = undefined;
      reply.fail(messageOf(err));
      this.error = reply.error;
    }
  }
}
