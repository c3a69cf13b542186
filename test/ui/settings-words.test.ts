import { describe, expect, test } from "vitest";
import { useHarness } from "./support/harness-page.js";

declare const harness: { patches(): Record<string, unknown>[] };

// One name for one thing: Settings and the composer call an unlimited thinking budget the same,
// and Settings' "auto" KV cache names the type the Models page's rows show on this computer.
const ui = useHarness();

describe("one vocabulary in Settings and the rest of the app", () => {
  test("an unlimited thinking budget is 'No limit' in Settings, as in the composer, and is saved as no limit", async () => {
    const settings = await ui.open("settings");
    const field = settings.getByLabel(/^Thinking budget/);
    await expect.poll(() => field.inputValue()).toBe("No limit");
    expect(await settings.getByText("No limit, or the most reasoning tokens").count()).toBe(1);
    await field.fill("4096");
    await settings.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => settings.evaluate(() => harness.patches().length)).toBe(1);
    await field.fill("No limit");
    await settings.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => settings.evaluate(() => harness.patches().length)).toBe(2);
    const patches = await settings.evaluate(() => harness.patches());
    expect(patches.map((p) => p.thinkingBudget)).toEqual([4096, "off"]);

    const composer = await ui.open("composer");
    const options = await composer.getByLabel("Thinking budget").locator("option").allInnerTexts();
    expect(options[0]).toBe("No limit");
  });

  test("'auto' KV cache says what it becomes on this computer: f16 without a GPU, q8_0 with one", async () => {
    const cpu = await ui.open("settings", { gpu: "no" });
    await expect.poll(() => cpu.locator(".hint", { hasText: /— auto: f16 on this computer \(no GPU\)/ }).count()).toBe(1);
    const gpu = await ui.open("settings", { gpu: "yes" });
    await expect.poll(() => gpu.locator(".hint", { hasText: /— auto: q8_0 on this computer's GPU/ }).count()).toBe(1);
  });
});
