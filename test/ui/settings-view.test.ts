import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

declare const harness: { patches(): Record<string, unknown>[]; theme(): string };

let page: Page;

const ui = useHarness();

describe("settings view", () => {
  test("the theme applies at once to the whole page", async () => {
    page = await ui.open("settings");
    const theme = page.getByLabel("Theme");
    await theme.selectOption("dark");
    await expect.poll(() => page.evaluate(() => harness.theme())).toBe("dark");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(21, 23, 27)");
    await theme.selectOption("system");
    await expect.poll(() => page.evaluate(() => harness.theme())).toBe("system");
    expect(await page.evaluate(() => harness.patches())).toEqual([{ theme: "dark" }, { theme: "system" }]);
  });

  test("shows DeepSeek's sampling defaults and saves a change as one patch", async () => {
    page = await ui.open("settings");
    expect(await page.getByLabel(/^Temperature/).inputValue()).toBe("0.6");
    expect(await page.getByLabel(/^Top-p/).inputValue()).toBe("0.95");
    await page.getByLabel(/^Thinking budget/).fill("2048");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Saved.").count()).toBe(1);
    const [patch] = await page.evaluate(() => harness.patches());
    expect(patch).toMatchObject({ thinkingBudget: 2048, sampling: { temperature: 0.6, topP: 0.95 }, contextSize: "auto", kvCacheType: "auto" });
  });

  test("room to reason is automatic by default, and a fixed context and cache type can be set", async () => {
    page = await ui.open("settings");
    expect(await page.getByLabel(/^Context size/).inputValue()).toBe("auto");
    expect(await page.getByLabel(/^KV cache type/).inputValue()).toBe("auto");
    await page.getByLabel(/^Context size/).fill("16384");
    await page.getByLabel(/^KV cache type/).selectOption("q4_0");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Saved.").count()).toBe(1);
    const [patch] = await page.evaluate(() => harness.patches());
    expect(patch).toMatchObject({ contextSize: 16384, kvCacheType: "q4_0" });
  });

  test("a refused value shows the core's reason and keeps what was typed", async () => {
    page = await ui.open("settings");
    await page.getByLabel(/^Temperature/).fill("3");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Temperature must be 2 or less.");
    expect(await page.getByLabel(/^Temperature/).inputValue()).toBe("3");
  });
});
