import {
  defaultSampling,
  type ChatDone,
  type Citation,
  type ChatTurn,
  type LargerContext,
  type ResolvedGenerationOptions,
} from "../../shared/contract/chat.js";
import { refuseWhileBusy } from "../../shared/busy.js";
import type { EventSink } from "../kernel/event-bus.js";
import { AppError } from "../kernel/errors.js";
import type { CoreLog } from "../kernel/log-file.js";
import type { JobRegistry } from "../kernel/jobs.js";
import type { GenerationEngine } from "../generation/generation-engine.js";
import type { z } from "zod";
import type { ChatMeasure, ChatMeasureRequest, ChatSendRequest as ChatSendSchema } from "../../shared/contract/chat.js";
import { passagesForTurn, type PassageSource } from "./collection-passages.js";
import { largerContextFor, type LocalContext } from "./larger-context.js";
import { measurePrompt } from "./prompt-measure.js";

/** Earlier turns of a conversation, oldest first: user text and answers only, never reasoning. */
export interface ChatHistorySource {
  turns(conversationId: string): ChatTurn[] | Promise<ChatTurn[]>;
  /** Drops a message and every later one (regenerate, edit and resend). */
  rewind(conversationId: string, fromMessageId: string): void | Promise<void>;
}

/** The stored messages of one response: the question it answers (null when it went on from a stopped one) and itself. */
export interface StoredIds {
  userMessageId: string | null;
  messageId: string;
}

/**
 * How a response is kept while and after it streams (the conversation store implements it).
 * `onStart` stores the question and opens the response, returning their ids; `onStreamSave` gets
 * each coalesced piece as it arrives — the store buffers and writes them, so a crash loses at most
 * its flush interval; `onDone` gets the final text, stop reason and metrics (stop reason "crashed"
 * or "aborted" marks the message interrupted, with what was streamed kept).
 */
export interface ChatPersistence {
  /** `resumed`: the response goes on from this text (already kept), no new question was asked. */
  onStart(info: {
    conversationId: string;
    turns: ChatTurn[];
    resumed?: { thought: string; answer: string };
    /** The numbered sources the question carries, kept with the answer. */
    citations?: Citation[];
  }): StoredIds | Promise<StoredIds>;
  onStreamSave(messageId: string, piece: { thought: string; answer: string }): void;
  onDone(messageId: string, done: ChatDone): void | Promise<void>;
}

/** Defaults for omitted options (the settings, where the app is composed). */
export type SamplingDefaults = () => Partial<ResolvedGenerationOptions>;

type ParsedSend = z.output<typeof ChatSendSchema>;

export interface ChatServiceDeps {
  /** The local engine process or the selected remote server. */
  engine: GenerationEngine;
  jobs: JobRegistry;
  emit: EventSink;
  /** Where a failure nobody wrote a message for leaves its stack. */
  log?: CoreLog;
  samplingDefaults: SamplingDefaults;
  /** Where earlier turns come from; without one, requests must carry `messages`. */
  history?: ChatHistorySource;
  /** Where responses are kept as they stream; without one they are only streamed. */
  persistence?: ChatPersistence;
  /** The local model's room, to offer going on in a larger context after the context filled. */
  localContext?: LocalContext;
  /** Where passages of the collections a question names are found (the collections capability). */
  passages?: PassageSource;
}

export class ChatService {
  private active: string | undefined;

  constructor(private readonly deps: ChatServiceDeps) {}

  /** The job id of the response being generated, if any. */
  get activeJob(): string | undefined {
    return this.active;
  }

  private async resolveTurns(request: ParsedSend): Promise<ChatTurn[]> {
    let turns: ChatTurn[];
    if (request.rewindFrom) {
      if (!request.conversationId || !this.deps.history || (request.prompt === undefined && !request.resume))
        throw new AppError("bad-request", "Answering again needs the conversation and the question.");
      await this.deps.history.rewind(request.conversationId, request.rewindFrom);
    }
    if (request.messages?.length) turns = [...request.messages];
    else if (request.conversationId && this.deps.history) turns = [...(await this.deps.history.turns(request.conversationId))];
    else turns = [];
    if (request.prompt !== undefined)
      turns.push({ role: "user", content: request.prompt, ...(request.attachments?.length ? { attachments: request.attachments } : {}) });
    if (turns.at(-1)?.role !== "user") throw new AppError("bad-request", "The last message must be the user's.");
    return turns;
  }

  private resolveOptions(request: ParsedSend): ResolvedGenerationOptions {
    const defaults = this.deps.samplingDefaults();
    const given = Object.fromEntries(Object.entries(request.options).filter(([, value]) => value !== undefined));
    return { ...defaultSampling, ...defaults, ...given } as ResolvedGenerationOptions;
  }

  /** What a question (with its files) would take in the context, counted by the loaded model. */
  async measure(request: z.output<typeof ChatMeasureRequest>): Promise<ChatMeasure> {
    const earlier = request.conversationId && this.deps.history ? await this.deps.history.turns(request.conversationId) : [];
    return measurePrompt(this.deps.engine, earlier, request);
  }

  /**
   * Starts a response as a job; chat.delta events follow (coalesced), then one chat.done. A second
   * request while one runs is refused: responses are never interleaved.
   */
  async send(request: ParsedSend): Promise<string> {
    const engine = this.deps.engine;
    refuseWhileBusy("generate", this.active ? "generating" : null);
    if (!engine.loadedModel && engine.status().state !== "restarting") throw new AppError("not-loaded", "No model is loaded. Load a model first.");
    this.active = "starting";
    let turns: ChatTurn[];
    try {
      turns = await this.resolveTurns(request);
    } catch (err) {
      this.active = undefined;
      throw err;
    }
    const options = this.resolveOptions(request);
    const conversationId = request.conversationId ?? null;
    const resume = request.resume;
    const continuation = resume && (resume.thought || resume.answer) ? { thought: resume.thought, answer: resume.answer } : undefined;
    const jobId = this.deps.jobs.start("chat", async (job) => {
      let thought = continuation?.thought ?? "";
      let answer = continuation?.answer ?? "";
      let ids: StoredIds | undefined;
      let citations: Citation[] | undefined;
      const answeredBy = engine.answeredBy;
      const close = (end: Omit<ChatDone, "jobId" | "conversationId" | "userMessageId" | "messageId" | "answeredBy">): ChatDone => ({
        jobId: job.id,
        conversationId,
        userMessageId: ids?.userMessageId ?? null,
        messageId: ids?.messageId ?? null,
        answeredBy,
        ...end,
        ...(citations ? { citations } : {}),
      });
      let done: ChatDone | undefined;
      try {
        if (resume) await this.reloadLarger(job.id, resume, job.signal);
        const persistence = this.deps.persistence;
        const asked = await this.withPassages(request.collections, turns, options, job.id, job.signal);
        citations = asked.citations;
        if (persistence && conversationId) ids = await persistence.onStart({ conversationId, turns, resumed: continuation, citations });
        for await (const event of engine.generate({ conversationId, turns: asked.turns, options, continuation }, job.signal)) {
          if (event.type === "delta") {
            thought += event.thought;
            answer += event.answer;
            this.deps.emit("chat.delta", { jobId: job.id, thought: event.thought, answer: event.answer, thoughtTokens: event.thoughtTokens });
            if (ids) persistence?.onStreamSave(ids.messageId, { thought: event.thought, answer: event.answer });
          } else if (event.type === "notice") {
            this.deps.emit("chat.notice", { jobId: job.id, message: event.message });
          } else {
            done = close({ stopReason: event.stopReason, thought: event.thought, answer: event.answer, metrics: event.metrics, message: event.message });
          }
        }
      } catch (err) {
        this.deps.log?.unexpected("chat response", err);
        done = close({ stopReason: "error", thought, answer, metrics: null, message: err instanceof Error ? err.message : String(err) });
      } finally {
        this.active = undefined;
      }
      done ??= close({ stopReason: "error", thought, answer, metrics: null, message: "The response ended without a result." });
      done.largerContext = await largerContextFor(done, this.deps.localContext);
      try {
        if (ids) await this.deps.persistence?.onDone(ids.messageId, done);
      } finally {
        this.deps.emit("chat.done", done);
      }
    });
    this.active = jobId;
    return jobId;
  }

  /** The turns as the model reads them: with the collections' passages that fit, numbered, in the question. */
  private async withPassages(
    collections: string[] | undefined,
    turns: ChatTurn[],
    options: ResolvedGenerationOptions,
    jobId: string,
    signal: AbortSignal,
  ): Promise<{ turns: ChatTurn[]; citations?: Citation[] }> {
    if (!collections?.length) return { turns };
    if (!this.deps.passages) throw new AppError("unavailable", "Collections cannot be asked here.");
    const found = await passagesForTurn(this.deps.engine, this.deps.passages, collections, turns, options, signal);
    for (const message of found.notices) this.deps.emit("chat.notice", { jobId, message });
    return { turns: found.turns, citations: found.citations };
  }

  /** Going on in a larger context: the local model is loaded again with it (the engine reuses nothing across a reload). */
  private async reloadLarger(jobId: string, larger: LargerContext, signal: AbortSignal): Promise<void> {
    const local = this.deps.localContext;
    const model = local?.model();
    if (!local || !model) throw new AppError("bad-request", "Only a model running on this computer can go on in a larger context.");
    if (model.contextSize >= larger.contextSize) return;
    this.deps.emit("chat.notice", { jobId, message: `Loading ${model.name} again with a context of ${larger.contextSize} tokens to go on with the response…` });
    const loaded = await local.reload(model, { contextSize: larger.contextSize, kvCacheType: larger.kvCacheType }, signal);
    this.deps.emit("engine.loaded", { jobId, model: loaded });
  }
}
