import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { startHarness, type HarnessPage } from "./support/harness-page.js";

declare const harness: { set(room: { contextSize: number; kvCacheType: string; reasoningTokens: number; verdict: string }): void };

let ui: HarnessPage;
let page: Page;

beforeAll(async () => {
  ui = await startHarness();
  page = await ui.open("reasoning-room");
}, 120_000);
afterAll(async () => ui?.close());

const line = () => page.getByTestId("reasoning-room");

describe("room to reason in the picker", () => {
  test("says how many tokens of reasoning fit, with the context and cache behind it", async () => {
    await page.evaluate(() => harness.set({ contextSize: 65_536, kvCacheType: "q8_0", reasoningTokens: 64_512, verdict: "gpu-full" }));
    await expect.poll(() => line().innerText()).toBe("Room for about 65,000 tokens of reasoning (64K context, q8_0 cache)");
    await page.evaluate(() => harness.set({ contextSize: 16_384, kvCacheType: "q4_0", reasoningTokens: 15_360, verdict: "gpu-partial" }));
    await expect.poll(() => line().innerText()).toBe("Room for about 15,000 tokens of reasoning (16K context, q4_0 cache)");
  });

  test("says nothing when the variant does not run here at all", async () => {
    await page.evaluate(() => harness.set({ contextSize: 8192, kvCacheType: "q8_0", reasoningTokens: 7168, verdict: "wont-fit" }));
    await expect.poll(() => line().count()).toBe(0);
  });
});
