import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { contrast } from "./support/contrast.js";
import { startHarness, type HarnessPage } from "./support/harness-page.js";

declare const harness: { set(next: { verdict: string; reason: string; label?: string }): void };

let ui: HarnessPage;
let page: Page;

beforeAll(async () => {
  ui = await startHarness();
  page = await ui.open("fit-badge");
}, 120_000);
afterAll(async () => ui?.close());

const badge = () => page.getByTestId("fit-badge");

describe("fit badge", () => {
  test.each([
    ["full-gpu", "good", "Runs on GPU", "All 28 layers and the KV cache fit in 12.0 GB of VRAM."],
    ["partial-offload", "slow", "Partial GPU", "40 of 64 layers on the GPU; the rest run on the CPU, slower."],
    ["cpu-only", "slow", "CPU only", "No usable GPU; runs from RAM, slowly."],
    ["tight", "tight", "Tight", "Needs 30.1 GB of 32 GB RAM; other apps may be swapped out."],
    ["wont-fit", "bad", "Won't fit", "Needs 404 GB, has 64 GB."],
  ])("%s shows its words, its colour and the plain reason", async (verdict, tone, words, reason) => {
    await page.evaluate((next) => harness.set(next), { verdict, reason });
    await expect.poll(() => badge().getAttribute("data-tone")).toBe(tone);
    expect(await badge().locator(".badge").innerText()).toContain(words);
    expect(await badge().locator(".reason").textContent()).toBe(reason);
  });

  test("uses the estimator's own label when it gives one", async () => {
    await page.evaluate(() => harness.set({ verdict: "partial-offload", label: "Partial offload (40/64 layers)", reason: "slower" }));
    await expect.poll(() => badge().locator(".badge").innerText()).toContain("Partial offload (40/64 layers)");
  });

  test.each(["light", "dark"])("every tone's words pass WCAG AA contrast in the %s theme", async (theme) => {
    const themed = await ui.open("fit-badge", { theme });
    for (const verdict of ["full-gpu", "partial", "tight", "wont-fit"]) {
      await themed.evaluate((v) => harness.set({ verdict: v, reason: "reason" }), verdict);
      const colours = await themed
        .getByTestId("fit-badge")
        .locator(".badge")
        .evaluate((el) => {
          const style = getComputedStyle(el);
          return { fg: style.color, bg: style.backgroundColor };
        });
      expect(contrast(colours.fg, colours.bg), `${verdict} in ${theme}`).toBeGreaterThanOrEqual(4.5);
    }
    page = await ui.open("fit-badge");
  });
});
