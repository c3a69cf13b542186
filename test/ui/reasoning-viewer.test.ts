import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

type Harness = {
  delta(thought: string, answer: string): void;
  finish(stopReason: string, metrics: Record<string, unknown> | null, notice?: string, largerContext?: number): void;
  continued(): number;
  state(): { expanded: boolean; pinned: boolean; followTail: boolean; phase: string };
};
declare const harness: Harness;

let page: Page;

const ui = useHarness();

const trace = () => page.getByTestId("reasoning-trace");
const title = () => page.getByTestId("trace-title");

describe("reasoning-trace viewer", () => {
  test("opens while thinking and streams the trace live", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.delta("First, consider the **base case**.\n\n", ""));
    await expect.poll(() => title().textContent()).toMatch(/^Thinking… 0:0\d$/);
    await expect.poll(() => trace().getAttribute("data-phase")).toBe("thinking");
    await expect.poll(() => page.getByRole("button", { name: /Thinking/ }).getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => trace().locator("strong").textContent()).toBe("base case");
    await page.evaluate(() => harness.delta("Then the inductive step with $n+1$", ""));
    await expect.poll(() => trace().locator(".katex").count()).toBeGreaterThan(0);
  });

  test("follows the tail unless the person scrolled up", async () => {
    page = await ui.open("reasoning");
    const lines = Array.from({ length: 60 }, (_, i) => `Line of reasoning number ${i}.\n\n`).join("");
    await page.evaluate((text) => harness.delta(text, ""), lines);
    const body = trace().locator(".body");
    await expect.poll(() => body.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(30);
    // Only the latest paragraphs are in the DOM while following; scrolling up brings back the rest.
    expect(await body.locator(".md-block").count()).toBeLessThan(60);
    await body.evaluate((el) => (el.scrollTop = 0));
    await body.dispatchEvent("scroll");
    await expect.poll(() => body.locator(".md-block").count()).toBe(60);
    await expect.poll(() => page.evaluate(() => harness.state().followTail)).toBe(false);
    const before = await body.evaluate((el) => el.scrollTop);
    await page.evaluate(() => harness.delta("More reasoning after the person scrolled up.\n\n", ""));
    await page.waitForTimeout(150);
    expect(await body.evaluate((el) => el.scrollTop)).toBe(before);
    expect(await body.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeGreaterThan(200);
  });

  test("collapses to 'Thought for … · N tokens' when the answer starts", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.delta("Thinking about it.\n\n", ""));
    await page.waitForTimeout(150);
    await page.evaluate(() => harness.delta("", "The answer is $\\boxed{42}$."));
    await expect.poll(() => trace().getAttribute("data-phase")).toBe("answering");
    await expect.poll(() => title().textContent()).toMatch(/^Thought for \d+\.\d s$/);
    await expect.poll(() => page.getByRole("button", { name: /Thought for/ }).getAttribute("aria-expanded")).toBe("false");
    await expect.poll(() => trace().locator(".body").count()).toBe(0);
    await expect.poll(() => page.getByTestId("answer").locator(".katex").count()).toBeGreaterThan(0);
    await page.evaluate(() =>
      harness.finish("end", {
        thoughtTokens: 843,
        thoughtStartedAt: "2026-01-01T00:00:00.000Z",
        thoughtEndedAt: "2026-01-01T00:00:12.400Z",
        generationTokensPerSecond: 21.5,
        ttftMs: 310,
        promptTokens: 1250,
        cachedPromptTokens: 1100,
      }),
    );
    await expect.poll(() => title().textContent()).toBe("Thought for 12.4 s · 843 tokens");
    await expect
      .poll(() => page.getByTestId("metrics-line").textContent())
      .toBe("21.5 tok/s · first token 0.31 s · prompt 1,250 tokens (1,100 cached) · 843 reasoning tokens · finished");
    // Expanding shows the whole trace again, with copy and find.
    await page.getByRole("button", { name: /Thought for/ }).click();
    await expect.poll(() => trace().locator(".body").textContent()).toContain("Thinking about it.");
    await page.getByPlaceholder("Find in reasoning").fill("about");
    await expect.poll(() => trace().locator(".count").textContent()).toBe("1 of 1");
    await expect.poll(() => page.getByRole("button", { name: "Copy reasoning" }).count()).toBe(1);
  });

  test("the metrics line shows how many drafted tokens the model accepted", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.delta("", "Answer text."));
    await page.evaluate(() => harness.finish("end", { generationTokensPerSecond: 30, draftAcceptedTokens: 90, draftRefutedTokens: 30 }));
    await expect.poll(() => page.getByTestId("metrics-line").textContent()).toBe("30.0 tok/s · draft accepted 75% · finished");
  });

  test("stays open when pinned", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.delta("Pinned reasoning.\n\n", ""));
    await page.getByRole("button", { name: "Pin open" }).click();
    await page.evaluate(() => harness.delta("", "Answer text."));
    await expect.poll(() => trace().getAttribute("data-phase")).toBe("answering");
    expect(await page.evaluate(() => harness.state())).toMatchObject({ expanded: true, pinned: true });
    await expect.poll(() => trace().locator(".body").textContent()).toContain("Pinned reasoning.");
  });

  test("an interrupted answer is marked", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.delta("Half a thought", ""));
    await page.evaluate(() => harness.finish("aborted", null));
    await expect.poll(() => page.getByTestId("interrupted").textContent()).toContain("Interrupted");
    await expect.poll(() => page.getByTestId("assistant-message").getAttribute("data-status")).toBe("interrupted");
  });

  test("reasoning that filled the context says so and offers to go on in a larger context", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.delta("A long line of thought", ""));
    await page.evaluate(() =>
      harness.finish("context-full", { contextSize: 8192 }, "The response filled the model's context of 8192 tokens and stopped there.", 32768),
    );
    await expect.poll(() => page.getByRole("status").filter({ hasText: "filled the model's context of 8192 tokens" }).count()).toBe(1);
    await expect.poll(() => page.getByTestId("metrics-line").textContent()).toContain("context full");
    await page.getByRole("button", { name: "Continue with a 32,768-token context" }).click();
    await expect.poll(() => page.evaluate(() => harness.continued())).toBe(1);
  });

  test("without a larger context that fits, the notice stands alone", async () => {
    page = await ui.open("reasoning");
    await page.evaluate(() => harness.finish("prompt-too-long", null, "This message needs about 9000 tokens with room for a reply.", undefined));
    await expect.poll(() => page.getByRole("status").filter({ hasText: "needs about 9000 tokens" }).count()).toBe(1);
    await expect.poll(() => page.getByRole("button", { name: /Continue with/ }).count()).toBe(0);
  });
});
