import { BlockSplitter } from "../markdown/blocks.js";
import { renderMarkdown } from "../markdown/render.js";

export interface RenderedBlock {
  id: number;
  html: string;
}

export type FrameScheduler = (callback: () => void) => void;

const defaultScheduler: FrameScheduler = (callback) => {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => callback());
  else setTimeout(callback, 16);
};

/** Milliseconds of rendering allowed per frame, so a long trace never blocks the page. */
const FRAME_BUDGET_MS = 6;

/**
 * Streamed Markdown rendered incrementally: text arrives in pieces, is buffered until the next
 * animation frame, finished blocks are parsed once and kept, and only the unfinished tail is
 * re-rendered. A 20,000-token trace is never re-parsed per token.
 */
export class StreamingMarkdown {
  #blocks = $state.raw<RenderedBlock[]>([]);
  #tailHtml = $state("");
  #length = $state(0);
  /** False from the moment text arrives until the frame that draws all of it. */
  #drawn = $state(true);

  private splitter = new BlockSplitter();
  private waiting: string[] = [];
  private unrendered: string[] = [];
  private tailDirty = false;
  private scheduled = false;
  private nextId = 0;
  /** The tail is re-rendered at most this often; it grows with what one render costs. */
  private tailIntervalMs = 0;
  private tailRenderedAt = -Infinity;
  /** No more text is coming: the tail is drawn on the next frame, unthrottled. */
  private ended = false;

  constructor(private readonly schedule: FrameScheduler = defaultScheduler) {}

  /** Finished blocks, append-only; each block's HTML is computed once. */
  get blocks(): RenderedBlock[] {
    return this.#blocks;
  }

  get tailHtml(): string {
    return this.#tailHtml;
  }

  /** Characters received so far (also counts text not yet rendered). */
  get length(): number {
    return this.#length;
  }

  get text(): string {
    return this.splitter.fullText + this.waiting.join("");
  }

  /** True while some received text is not on screen yet. */
  get pending(): boolean {
    return this.scheduled;
  }

  /** Everything received is drawn (reactive: the page can wait for it). */
  get drawn(): boolean {
    return this.#drawn;
  }

  /**
   * The stream is over: what is buffered is drawn on the next frame, the tail without its
   * throttle. Nothing is rendered here, so the class stays usable where there is no DOM.
   */
  end(): void {
    this.ended = true;
    if (this.waiting.length || this.unrendered.length || this.tailDirty) this.requestFrame();
  }

  append(chunk: string): void {
    if (!chunk) return;
    this.waiting.push(chunk);
    this.#length += chunk.length;
    this.requestFrame();
  }

  /** Replaces everything (a stored message); renders in frame-sized slices like a stream. */
  reset(text = ""): void {
    this.#blocks = [];
    this.#tailHtml = "";
    this.#length = 0;
    this.waiting = [];
    this.unrendered = [];
    this.splitter = new BlockSplitter();
    this.ended = true;
    this.append(text);
  }

  /** Renders whatever is buffered now, without waiting for a frame (tests, end of stream). */
  flushNow(): void {
    this.drain(Number.POSITIVE_INFINITY);
  }

  private requestFrame(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.#drawn = false;
    this.schedule(() => {
      this.scheduled = false;
      this.drain(FRAME_BUDGET_MS);
    });
  }

  private drain(budgetMs: number): void {
    const started = performance.now();
    if (this.waiting.length) {
      this.unrendered.push(...this.splitter.push(this.waiting.join("")));
      this.waiting = [];
      this.tailDirty = true;
    }
    const fresh: RenderedBlock[] = [];
    while (this.unrendered.length && performance.now() - started < budgetMs) {
      fresh.push({ id: this.nextId++, html: renderMarkdown(this.unrendered.shift()!) });
    }
    if (fresh.length) this.#blocks = [...this.#blocks, ...fresh];
    // The tail is drawn only once the finished blocks before it are; otherwise text would jump.
    const now = performance.now();
    const tailDue = budgetMs === Number.POSITIVE_INFINITY || this.ended || now - this.tailRenderedAt >= this.tailIntervalMs;
    if (!this.unrendered.length && this.tailDirty && tailDue && now - started < budgetMs) {
      this.#tailHtml = renderMarkdown(this.splitter.tail);
      this.tailDirty = false;
      this.tailRenderedAt = performance.now();
      // A tail that costs c ms to render is redrawn about every 4c ms (never slower than 10 times a second).
      this.tailIntervalMs = Math.min(100, (this.tailRenderedAt - now) * 4);
    }
    if (this.unrendered.length || this.tailDirty) this.requestFrame();
    else if (!this.scheduled) this.#drawn = true;
  }
}
