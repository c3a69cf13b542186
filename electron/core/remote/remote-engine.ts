import { hasAttachments } from "../../shared/attachment-prompt.js";
import { Agent, fetch, type Response } from "undici";
import type { GenerationMetrics, StopReason } from "../../shared/contract/chat.js";
import type { ModelFamily } from "../../shared/contract/engine.js";
import type { AnsweredBy } from "../../shared/contract/chat.js";
import type { AnsweringModel, GenerateEvent, GenerateRequest, GenerationEngine } from "../generation/generation-engine.js";
import { AppError } from "../kernel/errors.js";
import { keyHeader, type KeyedAddress } from "./key-origin.js";
import { chatCompletionBody, toOpenAiMessages } from "./openai-request.js";
import { connectionError, httpError, readErrorBody, retryAfterSeconds, seconds, selfLoopError, SELF_HEADER, withUnreadBody } from "./remote-errors.js";
import { SilenceWatch } from "./silence-watch.js";
import { readCompletion } from "./response-reader.js";
import { ThinkSplitter } from "./think-splitter.js";
import type { Usage } from "./wire-schemas.js";

/** One endpoint as the engine uses it (the key stays inside the core). */
export interface RemoteTarget {
  /** The endpoint's id in the list (what `chat.done` names as who answered). */
  endpointId: string;
  name: string;
  /** e.g. http://10.0.0.5:8000/v1 (no trailing slash needed). */
  baseUrl: string;
  model: string;
  family: ModelFamily;
  apiKey: string | null;
  /** The origin the key was given for (key-origin.ts sends it nowhere else). */
  keyOrigin: string | null;
  sendKeyOverHttp: boolean;
}

/**
 * How long a server may stay silent before the request is cancelled with a message naming it.
 * Streaming servers (vLLM, SGLang, llama-server, DeepSeek's API) send their headers as soon as they
 * take the request, so a minute without them means a wedged or wrong server. The prompt is read
 * after that, before the first token: a 671B reading a long prompt, or a server loading its model
 * on first use, needs minutes, so the first token gets five. Between tokens a minute is plenty even
 * at 0.5 tokens/s. Keep-alive comments do not count as something sent.
 */
export interface RemoteTimeouts {
  /** From the request to the response headers. */
  firstByteMs: number;
  /** From the headers to the first token (prompt reading, a model loading). */
  firstTokenMs: number;
  /** Longest silence between tokens inside a streaming answer. */
  stallMs: number;
  /** A 429 asking to wait at most this long is retried after the wait; longer is reported. */
  maxRetryWaitS: number;
}

export const DEFAULT_TIMEOUTS: RemoteTimeouts = { firstByteMs: 60_000, firstTokenMs: 300_000, stallMs: 60_000, maxRetryWaitS: 30 };

/** `/v1` joined to a path, whatever the user typed at the end of the base URL. */
export function endpointUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${path}`;
}

/**
 * The key, and this app's instance id: R1 Local's own API refuses a request that carries its own id
 * (a remote endpoint pointing back at this app would otherwise call itself without end).
 */
export function authHeaders(target: KeyedAddress, instanceId?: string): Record<string, string> {
  return { ...keyHeader(target), ...(instanceId ? { [SELF_HEADER]: instanceId } : {}) };
}

/**
 * An HTTP agent whose timers back up the engine's own silence watch (which counts only tokens, not
 * keep-alive bytes): no headers within `firstByteMs`, no bytes at all for the longest allowed wait.
 */
export function remoteAgent(timeouts: RemoteTimeouts): Agent {
  return new Agent({
    headersTimeout: timeouts.firstByteMs,
    bodyTimeout: Math.max(timeouts.firstTokenMs, timeouts.stallMs),
    connect: { timeout: 15_000 },
  });
}

function emptyMetrics(totalMs: number): GenerationMetrics {
  return {
    ttftMs: null,
    promptTokens: 0,
    cachedPromptTokens: 0,
    promptTokensPerSecond: null,
    generatedTokens: 0,
    generationTokensPerSecond: null,
    thoughtTokens: 0,
    answerTokens: 0,
    thoughtStartedAt: null,
    thoughtEndedAt: null,
    totalMs,
    backend: null,
    gpuLayers: 0,
    contextUsed: 0,
    contextSize: 0,
    droppedMessages: 0,
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/**
 * A remote OpenAI-compatible server (vLLM, SGLang, llama-server, KTransformers, DeepSeek's API)
 * behind the same interface as the local engine process. Stop aborts the HTTP request at once; a
 * failure after text arrived ends with that text kept and the answer marked interrupted.
 */
export class RemoteEngine implements GenerationEngine {
  #running = 0;

  constructor(
    readonly target: RemoteTarget,
    private readonly agent: Agent,
    private readonly timeouts: RemoteTimeouts = DEFAULT_TIMEOUTS,
    /** This app's instance id, to recognise its own API at the other end. */
    private readonly instanceId?: string,
  ) {}

  get answeredBy(): AnsweredBy {
    return { kind: "remote", endpointId: this.target.endpointId };
  }

  get where(): string {
    return `${this.target.name} (${new URL(this.target.baseUrl).host})`;
  }

  get loadedModel(): AnsweringModel {
    return { name: this.target.model, family: this.target.family, systemPromptAllowed: this.target.family !== "r1-distill" };
  }

  status(): { state: "ready" | "generating" } {
    return { state: this.#running > 0 ? "generating" : "ready" };
  }

  /** Sends the request, waiting out a short 429 as its Retry-After asks; throws a clear AppError otherwise. */
  private async post(
    body: Record<string, unknown>,
    signal: AbortSignal | undefined,
    watch: SilenceWatch,
    notice: (message: string) => void,
  ): Promise<Response> {
    // Before the request: a key that may not go over plain http is a refusal, not a connection failure.
    const auth = authHeaders(this.target, this.instanceId);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      watch.expect(
        this.timeouts.firstByteMs,
        `${this.where} did not answer within ${seconds(this.timeouts.firstByteMs)}. It may be overloaded or still loading the model; the request was cancelled.`,
        "timeout",
      );
      try {
        response = await fetch(endpointUrl(this.target.baseUrl, "chat/completions"), {
          method: "POST",
          headers: { "content-type": "application/json", accept: "text/event-stream, application/json", ...auth },
          body: JSON.stringify(body),
          signal: watch.signal,
          dispatcher: this.agent,
        });
      } catch (err) {
        if (signal?.aborted) throw new AppError("cancelled", "Stopped.");
        throw watch.failure ?? connectionError(err, this.where, this.timeouts);
      }
      // Headers came: a wait a 429 asks for is not silence.
      watch.stop();
      if (this.instanceId && response.headers.get(SELF_HEADER) === this.instanceId) {
        await response.body?.cancel().catch(() => undefined);
        throw selfLoopError(this.where);
      }
      if (response.ok) return response;
      // The error's words must arrive in time too: a server dripping them must not hold the request open.
      watch.expect(this.timeouts.stallMs, `${this.where} did not finish its error message within ${seconds(this.timeouts.stallMs)}.`, "stalled");
      const said = await readErrorBody(response);
      watch.stop();
      if (signal?.aborted) throw new AppError("cancelled", "Stopped.");
      const retryAfter = response.status === 429 ? retryAfterSeconds(response.headers.get("retry-after")) : undefined;
      const error = httpError(response.status, said.text, { where: this.where, model: this.target.model, retryAfter });
      if (said.unread) throw withUnreadBody(error, said.unread);
      if (response.status === 429 && retryAfter !== undefined && retryAfter <= this.timeouts.maxRetryWaitS && attempt < 3) {
        notice(`${this.where} is rate-limiting requests; trying again in ${retryAfter} s as it asked.`);
        await sleep(retryAfter * 1000, signal).catch(() => {
          throw new AppError("cancelled", "Stopped.");
        });
        continue;
      }
      throw error;
    }
  }

  async *generate(request: GenerateRequest, signal?: AbortSignal): AsyncGenerator<GenerateEvent, void, undefined> {
    this.#running++;
    try {
      yield* this.#generate(request, signal);
    } finally {
      this.#running--;
    }
  }

  async *#generate(request: GenerateRequest, signal?: AbortSignal): AsyncGenerator<GenerateEvent, void, undefined> {
    const started = performance.now();
    const model = this.loadedModel;
    const options = request.options;
    const messages = toOpenAiMessages(request.turns, options.systemPrompt, model.systemPromptAllowed);
    // The person should know their files leave this computer, and for which server.
    if (request.turns.some(hasAttachments))
      yield { type: "notice", message: `The attached files were sent with the conversation to ${new URL(this.target.baseUrl).host} (${this.target.name}).` };
    if (options.thinkingBudget !== undefined)
      yield { type: "notice", message: "The thinking budget is not applied on a remote server: OpenAI-compatible servers have no common field for it." };
    const queued: string[] = [];
    // Cancels the request when the server stays silent too long (the person's Stop goes through it too).
    const watch = new SilenceWatch(signal);
    let response: Response;
    try {
      response = await this.post(chatCompletionBody(this.target.model, messages, options), signal, watch, (message) => queued.push(message));
    } catch (err) {
      watch.stop();
      if (!signal?.aborted) throw err;
      yield { type: "done", stopReason: "aborted", thought: "", answer: "", metrics: emptyMetrics(performance.now() - started), message: null };
      return;
    }
    for (const message of queued) yield { type: "notice", message };

    let thought = "";
    let answer = "";
    let firstTokenAt: number | null = null;
    let thoughtStartedAt: string | null = null;
    let thoughtEndedAt: string | null = null;
    let chunks = 0;
    let thoughtChunks = 0;
    let usage: Usage = null;
    let stopReason: StopReason = "end";
    let failure: AppError | undefined;
    const splitter = new ThinkSplitter(model.family === "r1-distill");
    const silentFor = (ms: number) => `${this.where} sent no tokens for ${seconds(ms)}`;
    // Written once: the watch is re-armed with it on every piece.
    const stalled = `${silentFor(this.timeouts.stallMs)} in the middle of the answer; the request was cancelled and what arrived is kept.`;
    watch.expect(this.timeouts.firstTokenMs, `${silentFor(this.timeouts.firstTokenMs)} after taking the request; the request was cancelled.`, "timeout");
    try {
      for await (const piece of readCompletion(response.body!, response.headers.get("content-type") ?? "", splitter, this.where)) {
        watch.expect(this.timeouts.stallMs, stalled, "stalled");
        if (piece.kind === "end") {
          usage = piece.usage;
          stopReason = piece.finishReason === "length" ? "max-tokens" : "end";
          continue;
        }
        chunks++;
        if (piece.thought) thoughtChunks++;
        firstTokenAt ??= performance.now();
        if (piece.thought) thoughtStartedAt ??= new Date().toISOString();
        if (piece.answer && thoughtStartedAt && !thoughtEndedAt) thoughtEndedAt = new Date().toISOString();
        thought += piece.thought;
        answer += piece.answer;
        // Streaming servers send about one token per chunk: the running count the header shows while it thinks.
        yield { type: "delta", thought: piece.thought, answer: piece.answer, ...(thoughtChunks ? { thoughtTokens: thoughtChunks } : {}) };
      }
    } catch (err) {
      if (signal?.aborted) stopReason = "aborted";
      else failure = watch.failure ?? (err instanceof AppError ? err : connectionError(err, this.where, this.timeouts));
    } finally {
      watch.stop();
      // Stop or a consumer leaving early: the socket closes now, not when the server finishes.
      await response.body?.cancel().catch(() => undefined);
    }
    const ended = performance.now();
    const generatedTokens = usage?.completion_tokens ?? chunks;
    // Servers that do not count reasoning tokens (llama-server) stream about one token per chunk.
    const thoughtTokens = usage?.completion_tokens_details?.reasoning_tokens ?? (chunks ? Math.round((generatedTokens * thoughtChunks) / chunks) : 0);
    const metrics: GenerationMetrics = {
      ...emptyMetrics(ended - started),
      ttftMs: firstTokenAt === null ? null : firstTokenAt - started,
      promptTokens: usage?.prompt_tokens ?? 0,
      cachedPromptTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      generatedTokens,
      generationTokensPerSecond:
        firstTokenAt !== null && ended > firstTokenAt && generatedTokens > 1 ? ((generatedTokens - 1) * 1000) / (ended - firstTokenAt) : null,
      thoughtTokens,
      answerTokens: Math.max(0, generatedTokens - thoughtTokens),
      thoughtStartedAt,
      thoughtEndedAt,
      contextUsed: (usage?.prompt_tokens ?? 0) + generatedTokens,
    };
    if (failure) {
      // Nothing arrived: the caller gets the error itself (the local API answers with its status).
      if (!thought && !answer) throw failure;
      yield { type: "done", stopReason: "error", thought, answer, metrics: null, message: failure.message };
      return;
    }
    yield { type: "done", stopReason, thought, answer, metrics, message: null };
  }
}
