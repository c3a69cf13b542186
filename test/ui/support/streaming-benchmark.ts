import os from "node:os";
import { startHarness, type HarnessPage } from "./harness-page.js";

export interface FrameFigures {
  /** 95th percentile of frame-to-frame time, ms. */
  p95FrameMs: number;
  /** Longest main-thread task Chromium reported (it reports those of 50 ms or more; 0: none). */
  longestTaskMs: number;
  longTasks: number;
  frames: number;
  /** 1-minute load average of this machine while measuring (other work competes for the CPU). */
  loadAverage: number;
}

type PageHarness = {
  record(ms: number): Promise<{ frames: number[]; longTasks: number[] }>;
  stream(tokens: number, tokensPerSecond: number): Promise<void>;
  traceLength(): number;
};
declare const harness: PageHarness;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const round = (n: number) => Math.round(n * 100) / 100;

function figures(recorded: { frames: number[]; longTasks: number[] }): FrameFigures {
  return {
    p95FrameMs: round(percentile(recorded.frames, 95)),
    longestTaskMs: round(Math.max(0, ...recorded.longTasks)),
    longTasks: recorded.longTasks.length,
    frames: recorded.frames.length,
    loadAverage: round(os.loadavg()[0]!),
  };
}

/** The chat view in real Chromium (production build), one fresh page per measurement. */
export class StreamingBench {
  private constructor(private readonly ui: HarnessPage) {}

  static async start(): Promise<StreamingBench> {
    return new StreamingBench(await startHarness({ viewport: { width: 1280, height: 800 } }));
  }

  /** Streams `tokens` reasoning tokens (prose, code, math), then the answer, at `tokensPerSecond`. */
  async streaming(tokens: number, tokensPerSecond: number): Promise<FrameFigures & { traceChars: number }> {
    const page = await this.ui.open("streaming");
    await page.waitForTimeout(500);
    const streamMs = Math.ceil((tokens / tokensPerSecond) * 1000);
    const [recorded] = await Promise.all([
      page.evaluate((ms) => harness.record(ms), streamMs),
      page.evaluate(([n, rate]) => harness.stream(n!, rate!), [tokens, tokensPerSecond]),
    ]);
    return { ...figures(recorded), traceChars: await page.evaluate(() => harness.traceLength()) };
  }

  /** The same page, idle. */
  async idle(ms: number): Promise<FrameFigures> {
    const page = await this.ui.open("streaming");
    await page.waitForTimeout(500);
    return figures(await page.evaluate((duration) => harness.record(duration), ms));
  }

  close(): Promise<void> {
    return this.ui.close();
  }
}
