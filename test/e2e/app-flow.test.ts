import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { startAppUnderTest, TEST_MODEL_NAME, TEST_VARIANT_ID, type AppUnderTest } from "../support/e2e/app-under-test.js";

// One person's path through the app, in order; each step leaves a screenshot in test-results/e2e/.
let app: AppUnderTest;
let page: Page;

beforeAll(async () => {
  app = await startAppUnderTest({ hubBytesPerSecond: 3 * 1024 * 1024 });
  page = app.page;
}, 300_000);
afterAll(async () => app?.close());

const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name });
const testVariant = () => page.locator(`[data-variant="${TEST_VARIANT_ID}"]`);
const lastAnswer = () => page.getByTestId("assistant-message").last();
const long = { timeout: 180_000, interval: 250 };

/** Records, inside the page, every phase the newest reasoning panel shows and how long its text got. */
const WATCH_TRACE = `(() => {
  const seen = { phases: [], lengths: [] };
  window.traceSeen = seen;
  new MutationObserver(() => {
    const trace = [...document.querySelectorAll('[data-testid="reasoning-trace"]')].at(-1);
    if (!trace) return;
    const phase = trace.getAttribute("data-phase") ?? "";
    if (seen.phases.at(-1) !== phase) seen.phases.push(phase);
    const length = trace.querySelector(".body")?.textContent?.length ?? 0;
    if (length !== seen.lengths.at(-1)) seen.lengths.push(length);
  }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
})()`;
const watchTrace = () => page.evaluate(WATCH_TRACE);
const traceSeen = () => page.evaluate("window.traceSeen") as Promise<{ phases: string[]; lengths: number[] }>;
const progressValue = (row: ReturnType<Page["locator"]>) => row.locator("progress").evaluate((el) => (el as unknown as { value: number }).value);

describe("R1 Local, end to end in Chromium over serve mode", () => {
  let firstVerdict: string | null;

  test("the picker shows fit badges with reasons", async () => {
    await expect.poll(() => page.getByTestId("status-line").textContent(), long).toMatch(/R1 Local \d/);
    await nav("Models").click();
    await expect.poll(() => testVariant().getByTestId("fit-badge").count(), long).toBe(1);
    expect((await testVariant().getByTestId("fit-badge").locator(".reason").textContent())?.length).toBeGreaterThan(10);
    await expect.poll(() => page.getByTestId("fit-badge").count()).toBeGreaterThan(5);
    firstVerdict = await page.getByTestId("variant").first().getByTestId("fit-badge").getAttribute("data-verdict");
    await app.screenshot("picker");
  });

  test("downloads the model with visible progress", async () => {
    await testVariant().getByRole("button", { name: "Download" }).click();
    await nav("Downloads").click();
    const row = page
      .getByTestId("download-row")
      .filter({ hasText: TEST_MODEL_NAME.split(" ")[0]! })
      .first();
    await expect.poll(() => progressValue(row), long).toBeGreaterThan(0);
    await app.screenshot("download-progress");
    await expect.poll(() => page.getByTestId("library").textContent(), long).toContain(".gguf");
    await app.screenshot("downloaded");
  });

  test("loads it", async () => {
    await nav("Models").click();
    await testVariant().getByRole("button", { name: "Load" }).click();
    await expect.poll(() => page.getByTestId("engine-banner").textContent(), long).toContain("Model:");
    await app.screenshot("loaded");
  });

  test("asks: the trace streams live, collapses to 'Thought for …', the answer shows code and math", async () => {
    await nav("Chat").click();
    await watchTrace();
    const box = page.getByRole("textbox", { name: "Message" });
    await expect.poll(() => box.isEnabled(), long).toBe(true);
    // The scripted model thinks for 3,200 tokens; a budget makes it answer sooner (and tests the budget).
    await page.getByLabel("Thinking budget").selectOption({ label: "256 tokens" });
    await box.fill("What is six times seven?");
    await box.press("Enter");
    await expect.poll(() => page.getByTestId("reasoning-trace").count(), long).toBe(1);
    await app.screenshot("thinking");
    await expect.poll(() => page.getByTestId("trace-title").last().textContent(), long).toMatch(/^Thought for (\d+ min )?\d+(\.\d)? s/);
    const seen = await traceSeen();
    expect(seen.phases[0]).toBe("thinking");
    expect(seen.lengths.filter((n) => n > 0).length, "the trace grew in several steps").toBeGreaterThan(3);
    await expect.poll(() => lastAnswer().getAttribute("data-status"), long).toBe("done");
    expect(await lastAnswer().getByTestId("answer").locator(".katex").count()).toBeGreaterThan(0);
    expect(await lastAnswer().getByTestId("answer").locator(".code-block code").count()).toBe(1);
    expect(await lastAnswer().getByTestId("metrics-line").textContent()).toMatch(/tok\/s/);
    await app.screenshot("answer");
  });

  test("the Models page shows the speed that answer measured at once, without a reload", async () => {
    await nav("Models").click();
    const speed = testVariant().getByTestId("variant-speed");
    await expect.poll(() => speed.textContent(), long).toMatch(/^\d+(\.\d)? tok\/s$/);
    await nav("Chat").click();
  });

  test("stops a second generation midway", async () => {
    const box = page.getByRole("textbox", { name: "Message" });
    await page.getByLabel("Thinking budget").selectOption({ label: "No limit" });
    await box.fill("And six times eight?");
    await box.press("Enter");
    // Stop as soon as it shows: on a quiet machine the whole script streams in a second or two.
    await page.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => lastAnswer().getAttribute("data-status"), long).toBe("interrupted");
    expect(await lastAnswer().textContent()).not.toContain("Done thinking");
    await expect.poll(() => page.getByTestId("interrupted").count()).toBe(1);
    await app.screenshot("stopped");
  });

  test("after a reload the conversation is still there", async () => {
    await page.reload();
    await expect.poll(() => page.getByTestId("user-message").count(), long).toBe(2);
    expect(await page.getByTestId("user-message").first().textContent()).toContain("What is six times seven?");
    await expect.poll(() => page.getByTestId("assistant-message").first().getByTestId("answer").locator(".katex").count(), long).toBeGreaterThan(0);
    await app.screenshot("reloaded");
  });

  test("the planner changes a badge", async () => {
    await nav("Models").click();
    const firstBadge = page.getByTestId("variant").first().getByTestId("fit-badge");
    await expect.poll(() => firstBadge.getAttribute("data-verdict"), long).toBe(firstVerdict);
    await page.getByRole("radio", { name: "Custom" }).check();
    // A machine with a big GPU, or one with almost no memory: one of the two changes the verdict.
    await page.getByLabel("VRAM (GiB)", { exact: true }).fill(firstVerdict === "gpu-full" ? "0" : "80");
    await page.getByLabel("VRAM (GiB)", { exact: true }).dispatchEvent("change");
    await page.getByLabel("RAM (GiB)", { exact: true }).fill(firstVerdict === "gpu-full" ? "1" : "256");
    await page.getByLabel("RAM (GiB)", { exact: true }).dispatchEvent("change");
    await expect.poll(() => firstBadge.getAttribute("data-verdict"), long).not.toBe(firstVerdict);
    await expect.poll(() => page.getByTestId("hardware-summary").textContent()).toContain("Planning for");
    await app.screenshot("planner");
  });

  test("the page never tried to reach beyond this machine", () => {
    expect(app.chrome.offMachineRequests).toEqual([]);
  });
});
