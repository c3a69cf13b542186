import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { contrast, textOnBackground } from "./support/contrast.js";
import { useHarness } from "./support/harness-page.js";

declare const harness: { recommendCalls(): string[] };

// The fixture's toy estimator: 32 GB of RAM, no GPU; 4 models with 4 quants each (see fixtures/picker.svelte.ts).
const ui = useHarness();
const rows = (page: Page) => page.getByTestId("model-row");
const row = (page: Page, model: string) => page.locator(`[data-testid="model-row"][data-model="${model}"]`);
const shown = (page: Page, model: string) => row(page, model).getByTestId("variant").first().getAttribute("data-variant");
const rowOrder = (page: Page) => rows(page).evaluateAll((els) => els.map((el) => el.getAttribute("data-model")));

async function picker(query: Record<string, string> = {}): Promise<Page> {
  const page = await ui.open("picker", query);
  await expect.poll(() => rows(page).count()).toBe(4);
  await expect.poll(() => row(page, "huge").getByTestId("fit-badge").count()).toBe(1);
  return page;
}

describe("compact model picker", () => {
  test("one closed row per model, each with its best variant's badge, size and speed; no memory bars until opened", async () => {
    const page = await picker();
    expect(await page.getByTestId("fit-badge").count()).toBe(4);
    expect(await page.getByTestId("memory-bars").count()).toBe(0);
    const tiny = row(page, "tiny");
    expect(await tiny.getByTestId("variant-size").textContent()).toMatch(/GiB$/);
    expect(await tiny.getByTestId("variant-speed").textContent()).toMatch(/^≈ \d+(\.\d)? tok\/s$/);
    expect(await tiny.getByRole("button", { name: "Download" }).count()).toBe(1);
  });

  test("the best variant is the largest comfortable quant, else the fastest; nothing fits: the smallest", async () => {
    const page = await picker();
    // 1.5B: every quant is fast on this CPU, so the largest.
    expect(await shown(page, "tiny")).toBe("tiny-q8_0");
    // 7B: Q4 and Q5 reach 8 tokens/s, Q6 and Q8 do not.
    expect(await shown(page, "small")).toBe("small-q5_k_m");
    // 14B: none is comfortable, so the fastest.
    expect(await shown(page, "coder")).toBe("coder-q4_k_m");
    // 70B: nothing fits 32 GB; the smallest, with a badge that says so.
    expect(await shown(page, "huge")).toBe("huge-q4_k_m");
    expect(await row(page, "huge").getByTestId("fit-badge").getAttribute("data-verdict")).toBe("wont-fit");
  });

  test("the recommended model is at the top, marked, with its reason above the list", async () => {
    const page = await picker();
    expect((await rowOrder(page))[0]).toBe("small");
    expect(await row(page, "small").getByTestId("recommended").count()).toBe(1);
    expect(await page.getByTestId("recommended").count()).toBe(1);
    expect(await page.getByTestId("recommendation").textContent()).toContain("Recommended for chat: small small-q5_k_m is the best for chat");
  });

  test("the quant selector changes the row's variant, size, badge and speed", async () => {
    const page = await picker();
    const small = row(page, "small");
    const before = { size: await small.getByTestId("variant-size").textContent(), speed: await small.getByTestId("variant-speed").textContent() };
    const select = small.getByRole("combobox", { name: "Quantization of R1 Distill Qwen 7B" });
    expect(await select.locator("option").allTextContents()).toContain("Q5_K_M · 8.2 tok/s (best)");
    await select.selectOption("small-q8_0");
    await expect.poll(() => shown(page, "small")).toBe("small-q8_0");
    expect(await small.getByTestId("variant-size").textContent()).not.toBe(before.size);
    expect(await small.getByTestId("variant-speed").textContent()).not.toBe(before.speed);
    expect(await small.getByTestId("fit-badge").locator(".badge").getAttribute("title")).toContain("Q8_0 needs");
  });

  test("opening a row shows the reason, memory bars and the other variants; closing hides them", async () => {
    const page = await picker();
    const coder = row(page, "coder");
    const toggle = coder.getByRole("button", { name: "Show details of R1 Distill Qwen 14B" });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    await toggle.click();
    const details = coder.getByTestId("model-details");
    await expect.poll(() => details.count()).toBe(1);
    expect(await coder.getByRole("button", { name: "Hide details of R1 Distill Qwen 14B" }).getAttribute("aria-expanded")).toBe("true");
    expect(await details.getByTestId("memory-bars").count()).toBe(4); // the shown variant's and the 3 others'
    expect(await details.getByTestId("variant").evaluateAll((els) => els.map((el) => el.getAttribute("data-variant")))).toEqual([
      "coder-q5_k_m",
      "coder-q6_k",
      "coder-q8_0",
    ]);
    expect(await details.locator(".reason").first().isVisible()).toBe(true);
    expect(await details.textContent()).toContain("LiveCodeBench");
    // The agents' question: an original distill was not trained on tool calls.
    expect(await details.getByTestId("tool-calls").textContent()).toContain("Not trained for tool calls");
    expect(await rows(page).count()).toBe(4);
    await coder.getByRole("button", { name: "Hide details of R1 Distill Qwen 14B" }).click();
    await expect.poll(() => details.count()).toBe(0);
  });

  test("use filters show only models for that use and steer the recommendation", async () => {
    const page = await picker();
    await page.getByRole("radio", { name: "Edge" }).click();
    await expect.poll(() => rowOrder(page)).toEqual(["tiny", "small"]);
    expect(await page.getByRole("radio", { name: "Edge" }).getAttribute("aria-checked")).toBe("true");
    expect(await page.evaluate(() => harness.recommendCalls().at(-1))).toBe("fastest");
    await page.getByRole("radio", { name: "Coding" }).click();
    await expect.poll(() => rowOrder(page)).toEqual(["coder", "huge"]);
    expect(await row(page, "coder").getByTestId("recommended").count()).toBe(1);
    await page.getByRole("radio", { name: "All" }).click();
    await expect.poll(() => rows(page).count()).toBe(4);
    expect(await page.evaluate(() => harness.recommendCalls().at(-1))).toBe("chat");
  });

  test("'Runs here' hides models that do not fit this machine, and says so when nothing is left", async () => {
    const page = await picker();
    await page.getByRole("checkbox", { name: "Runs here" }).check();
    await expect.poll(() => rows(page).count()).toBe(3);
    expect(await row(page, "huge").count()).toBe(0);
    await page.getByRole("radio", { name: "Coding" }).click();
    await expect.poll(() => rowOrder(page)).toEqual(["coder"]);
    await page.getByRole("checkbox", { name: "Runs here" }).uncheck();
    await expect.poll(() => rows(page).count()).toBe(2);
  });

  test("a compact badge still gives its reason to screen readers and on hover", async () => {
    const page = await picker();
    const badge = row(page, "huge").getByTestId("fit-badge");
    const reason = (await badge.locator(".reason").textContent()) ?? "";
    expect(reason).toMatch(/Q4_K_M needs \d+\.\d GiB; RAM has 32 GiB\./);
    // Read out, not printed: it takes no room in the row.
    expect((await badge.locator(".reason").boundingBox())?.width).toBeLessThanOrEqual(1);
    expect(await badge.locator(".badge").getAttribute("title")).toBe(reason);
  });

  test.each(["light", "dark"])("row text, chips and badges pass WCAG AA contrast in the %s theme", async (theme) => {
    const page = await picker({ theme });
    for (const selector of [
      ".uses",
      '[role="radio"][aria-checked="true"]',
      '[role="radio"][aria-checked="false"]',
      ".badge",
      ".size",
      ".rec",
      "select.quant",
    ]) {
      const elements = await page.locator(selector).all();
      expect(elements.length, selector).toBeGreaterThan(0);
      for (const element of elements) {
        const pair = await element.evaluate(textOnBackground);
        expect(contrast(pair.fg, pair.bg), `${selector} in ${theme}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});
