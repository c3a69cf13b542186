import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeltaCoalescer } from "../../electron/engine/delta-coalescer.js";
import { TrimmedStream } from "../../electron/engine/trimmed-stream.js";

describe("DeltaCoalescer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = () => {
    const sent: Array<[string, string]> = [];
    const coalescer = new DeltaCoalescer(
      (thought, answer) => sent.push([thought, answer]),
      16,
      () => performance.now(),
    );
    return { sent, coalescer };
  };

  it("sends the first piece at once, so time to first token does not wait", () => {
    const { sent, coalescer } = make();
    coalescer.push("Okay", "");
    expect(sent).toEqual([["Okay", ""]]);
  });

  it("merges a burst of tokens into one message per 16 ms, keeping thought and answer apart", () => {
    const { sent, coalescer } = make();
    coalescer.push("a", "");
    for (let i = 0; i < 100; i++) coalescer.push("b", "");
    coalescer.push("", "x");
    coalescer.push("", "y");
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(16);
    expect(sent).toEqual([
      ["a", ""],
      ["b".repeat(100), "xy"],
    ]);
    // 1,000 tokens at one per ms: about one message per 16 ms, never one per token.
    for (let i = 0; i < 1000; i++) {
      coalescer.push("t", "");
      vi.advanceTimersByTime(1);
    }
    coalescer.flush();
    expect(sent.length).toBeLessThan(2 + 1000 / 16 + 2);
    expect(sent.map(([t]) => t).join("")).toBe("a" + "b".repeat(100) + "t".repeat(1000));
  });

  it("flush sends what is pending and nothing when nothing is", () => {
    const { sent, coalescer } = make();
    coalescer.push("a", "");
    coalescer.push("b", "");
    coalescer.flush();
    coalescer.flush();
    expect(sent).toEqual([
      ["a", ""],
      ["b", ""],
    ]);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(2);
  });
});

describe("TrimmedStream", () => {
  const run = (pieces: string[]) => {
    const stream = new TrimmedStream();
    return pieces.map((piece) => stream.push(piece)).join("");
  };

  it("drops leading whitespace and holds trailing whitespace until text follows", () => {
    expect(run(["\n", "\n", "The", " answer", "\n\n", "is", " 42", "\n"])).toBe("The answer\n\nis 42");
    expect(run(["  ", " "])).toBe("");
    expect(run(["a ", " b"])).toBe("a  b");
  });
});
