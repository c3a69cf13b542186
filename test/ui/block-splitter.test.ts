import { describe, expect, test } from "vitest";
import { BlockSplitter } from "../../renderer/src/lib/markdown/blocks.js";

/** Feeds text in small pieces, as a stream would, and returns the finished blocks and the tail. */
function stream(text: string, pieceSize = 3): { blocks: string[]; tail: string } {
  const splitter = new BlockSplitter();
  const blocks: string[] = [];
  for (let i = 0; i < text.length; i += pieceSize) blocks.push(...splitter.push(text.slice(i, i + pieceSize)));
  return { blocks, tail: splitter.tail };
}

describe("block splitter (incremental Markdown)", () => {
  test("a paragraph is finished at the blank line after it, not before", () => {
    expect(stream("First paragraph.\n\nSecond, still")).toEqual({ blocks: ["First paragraph.\n"], tail: "Second, still" });
  });

  test("a blank line inside a code fence does not end the block", () => {
    const code = "```python\ndef f():\n\n    return 1\n```\n\nAfter.";
    expect(stream(code)).toEqual({ blocks: ["```python\ndef f():\n\n    return 1\n```\n"], tail: "After." });
  });

  test("a blank line inside display math does not end the block", () => {
    const math = "$$\na = b\n\nc = d\n$$\n\n\\[\nx\n\n\\]\n\nend";
    expect(stream(math).blocks).toEqual(["$$\na = b\n\nc = d\n$$\n", "\\[\nx\n\n\\]\n"]);
  });

  test("an unclosed fence keeps everything in the tail", () => {
    expect(stream("```js\nlet a;\n\nlet b;\n").blocks).toEqual([]);
  });

  test("joining blocks and tail gives back the text, whatever the piece size", () => {
    const text = "One.\n\nTwo $x$.\n\n```\ncode\n\nmore\n```\n\n- a\n- b\n\nEnd";
    for (const size of [1, 2, 7, 100]) {
      const { blocks, tail } = stream(text, size);
      expect(blocks.length).toBe(4);
      expect(blocks.join("\n") + "\n" + tail).toBe(text);
    }
  });
});
