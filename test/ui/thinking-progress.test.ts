import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

type Harness = {
  delta(thought: string, answer: string, thoughtTokens?: number): void;
  advance(ms: number): void;
  finish(stopReason: string, metrics: Record<string, unknown> | null): void;
};
declare const harness: Harness;

let page: Page;
const ui = useHarness();
const title = () => page.getByTestId("trace-title");
const message = () => page.getByTestId("assistant-message");

describe("a long wait for the reasoning", () => {
  test("the header shows how long it has been thinking and how many tokens so far, and the clock moves on its own", async () => {
    page = await ui.open("reasoning");
    await expect.poll(() => title().textContent()).toBe("Thinking… 0:00");
    await page.evaluate(() => harness.delta("Let me look at the file.\n\n", "", 12));
    await expect.poll(() => title().textContent()).toBe("Thinking… 0:00 · 12 tokens");
    // No text arrives for 83 s: the view's own timer moves the clock.
    await page.evaluate(() => harness.advance(83_000));
    await expect.poll(() => title().textContent(), { timeout: 5_000 }).toBe("Thinking… 1:23 · 12 tokens");
    await page.evaluate(() => harness.delta("Still checking the loop.\n\n", "", 1240));
    await expect.poll(() => title().textContent()).toBe("Thinking… 1:23 · 1,240 tokens");
  });

  test("when the answer starts, the final figure stays: how long it thought and its tokens, even without metrics", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.delta("Thinking.\n\n", "", 300));
    await page.evaluate(() => harness.advance(4_000));
    await page.evaluate(() => harness.delta("", "Forty-two.", 300));
    await expect.poll(() => title().textContent()).toBe("Thought for 4.0 s · 300 tokens");
    await page.evaluate(() => harness.finish("aborted", null));
    await expect.poll(() => message().getAttribute("data-status")).toBe("interrupted");
    expect(await title().textContent()).toBe("Thought for 4.0 s · 300 tokens");
  });
});

describe("the end of a response", () => {
  test("a message reads 'done' only once its last block is on the page", async () => {
    page = await ui.open("reasoning");
    // Watch every change: note how many code blocks the answer has at the moment it first says "done".
    await page.evaluate(() => {
      const article = document.querySelector('[data-testid="assistant-message"]')!;
      const seen = window as unknown as { codeBlocksWhenDone?: number };
      new MutationObserver(() => {
        if (article.getAttribute("data-status") === "done" && seen.codeBlocksWhenDone === undefined)
          seen.codeBlocksWhenDone = article.querySelectorAll('[data-testid="answer"] .code-block code').length;
      }).observe(article, { attributes: true, childList: true, subtree: true });
    });
    await page.evaluate(() => {
      harness.delta("", "The answer:\n\n");
      harness.delta("", "```python\nprint(6 * 7)\n```");
      harness.finish("end", null);
    });
    await expect.poll(() => message().getAttribute("data-status")).toBe("done");
    expect(await page.evaluate(() => (window as unknown as { codeBlocksWhenDone?: number }).codeBlocksWhenDone)).toBe(1);
  });
});

describe("reasoning and copying from the keyboard", () => {
  test("the expanded reasoning is a focusable region the keyboard can scroll", async () => {
    page = await ui.open("reasoning");
    const lines = Array.from({ length: 60 }, (_, i) => `Line of reasoning number ${i}.\n\n`).join("");
    await page.evaluate((text) => harness.delta(text, ""), lines);
    await page.evaluate(() => harness.delta("", "Done."));
    await page.evaluate(() => harness.finish("end", null));
    await page.getByRole("button", { name: /Thought for/ }).click();
    const region = page.getByRole("region", { name: "Reasoning text" });
    await expect.poll(() => region.getAttribute("tabindex")).toBe("0");
    await region.focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Reasoning text");
    await region.evaluate((el) => (el.scrollTop = 0));
    await page.keyboard.press("PageDown");
    await expect.poll(() => region.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  });

  test("copying says 'Copied' to screen readers through a live region", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.delta("", "Forty-two."));
    await page.evaluate(() => harness.finish("end", null));
    const status = page.getByRole("status").filter({ hasText: "Copied" });
    expect(await status.count()).toBe(0);
    await page.getByRole("button", { name: "Copy as Markdown" }).click();
    await expect.poll(() => status.count()).toBe(1);
  });
});

describe("editing a question", () => {
  test("Edit puts the focus in the box; Esc closes it without sending and gives the focus back to Edit", async () => {
    page = await ui.open("user-message");
    await page.getByRole("button", { name: "Edit" }).click();
    const box = page.getByRole("textbox", { name: "Edit message" });
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type(" Twice?");
    expect(await box.inputValue()).toBe("What is six times seven? Twice?");
    await page.keyboard.press("Escape");
    await expect.poll(() => box.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Edit");
    expect(await page.evaluate(() => (harness as unknown as { resent(): string[] }).resent())).toEqual([]);
  });
});
