import { readFile, stat } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { LONG_SCRIPT_THOUGHT } from "../fixtures/models.js";
import { E2E_RESULTS, startAppUnderTest, TEST_MODEL_ID, type AppUnderTest } from "../support/e2e/app-under-test.js";

// Daily use, part one: the compact Models page and the editor panel's Test, in the real app over
// serve mode; each screen is saved in both themes at 1280×800 and 800×600.
let app: AppUnderTest;
let page: Page;
const saved: string[] = [];
/** Rows the page should show: one per built-in model, plus the test model. */
let modelCount = 0;
let variantCount = 0;

beforeAll(async () => {
  const catalog = JSON.parse(await readFile(path.resolve(import.meta.dirname, "../../resources/catalog/catalog.json"), "utf8")) as {
    models: Array<{ variants: unknown[] }>;
  };
  modelCount = catalog.models.length + 1;
  variantCount = catalog.models.reduce((n, m) => n + m.variants.length, 1);
  app = await startAppUnderTest();
  page = app.page;
}, 300_000);
afterAll(async () => app?.close());

const long = { timeout: 180_000, interval: 250 };
const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;
const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name, exact: true });
const rows = () => page.getByTestId("model-row");
const testRow = () => page.locator(`[data-testid="model-row"][data-model="${TEST_MODEL_ID}"]`);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Saves `name` in light and dark at both sizes, with `target` scrolled into view; returns the files. */
async function screenshots(name: string, target: () => ReturnType<Page["locator"]>): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme }); // the theme setting is "system"
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await target().scrollIntoViewIfNeeded();
      const file = path.join(E2E_RESULTS, `daily-${name}-${scheme}-${size.width}x${size.height}.png`);
      await page.screenshot({ path: file });
      saved.push(file);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("daily use: the compact picker and the editor panel, end to end", () => {
  test("the Models page is one closed row per model, the recommended one first", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => page.getByTestId("status-line").textContent(), long).toMatch(/R1 Local \d/);
    await nav("Models").click();
    // The built-in catalog's models and the test model: one row each, not one card per variant.
    expect(variantCount).toBeGreaterThan(modelCount);
    await expect.poll(() => rows().count(), long).toBe(modelCount);
    await expect.poll(() => page.getByTestId("fit-badge").count(), long).toBe(modelCount);
    expect(await page.getByTestId("memory-bars").count()).toBe(0);
    const recommended = page.getByTestId("recommended");
    await expect.poll(() => recommended.count(), long).toBe(1);
    expect(await rows().first().getByTestId("recommended").count()).toBe(1);
    expect(await page.getByTestId("recommendation").textContent()).toMatch(/^Recommended for chat: .+ tokens\/s/);
    // A model with four quants: the selector lists them all and marks the estimator's pick.
    const qwen = page.locator('[data-testid="model-row"][data-model="r1-distill-qwen-1.5b"]');
    const options = await qwen.getByRole("combobox").locator("option").allTextContents();
    expect(options).toHaveLength(4);
    expect(options.filter((o) => o.endsWith("(best)"))).toHaveLength(1);
  });

  test("filters narrow the list, and a row opens to its memory bars, reason and other variants", async () => {
    await page.getByRole("radio", { name: "Edge" }).click();
    await expect
      .poll(() => rows().evaluateAll((els) => els.map((el) => el.getAttribute("data-model"))))
      .toEqual(["r1-distill-qwen-1.5b", "r1-distill-qwen-7b"]);
    await page.getByRole("radio", { name: "All" }).click();
    await expect.poll(() => rows().count()).toBe(modelCount);
    await page.getByRole("checkbox", { name: "Runs here" }).check();
    // The 671B models never fit a test machine; the small test model always does.
    await expect.poll(() => page.locator('[data-model="deepseek-r1"]').count()).toBe(0);
    expect(await testRow().count()).toBe(1);
    await page.getByRole("checkbox", { name: "Runs here" }).uncheck();

    const qwen = page.locator('[data-testid="model-row"][data-model="r1-distill-qwen-1.5b"]');
    await qwen.getByRole("button", { name: /^Show details of/ }).click();
    const details = qwen.getByTestId("model-details");
    await expect.poll(() => details.getByTestId("memory-bars").count()).toBe(4);
    expect(await details.getByTestId("variant").count()).toBe(3);
    expect((await details.locator(".reason").first().textContent())?.length).toBeGreaterThan(10);
    await screenshots("picker", () => rows().first());
  });

  test("the test model downloads and loads from its row", async () => {
    await testRow().getByRole("button", { name: "Download" }).click();
    await expect.poll(() => testRow().getByRole("button", { name: "Load" }).count(), long).toBe(1);
    await testRow().getByRole("button", { name: "Load" }).click();
    await expect.poll(() => page.getByTestId("engine-banner").textContent(), long).toContain("Model:");
  });

  test("the editor panel shows the API's address and key, and Test gets a reply through the API", async () => {
    await nav("Settings").click();
    const port = page.getByRole("spinbutton", { name: "Port" });
    await port.fill(String(await freePort()));
    await port.dispatchEvent("change");
    await page.getByRole("checkbox", { name: /Serve the loaded model/ }).check();
    const panel = page.getByTestId("editor-setup");
    await expect.poll(() => panel.getByTestId("editor-base-url").textContent(), long).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const key = (await panel.getByTestId("editor-api-key").textContent()) ?? "";
    expect(key).toMatch(/^r1-/);
    // The address, key and model the panel gives are the ones the API really answers with.
    const baseUrl = (await panel.getByTestId("editor-base-url").textContent())!;
    const listed = (await (await fetch(`${baseUrl}/models`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] };
    expect(listed.data).toHaveLength(1);
    expect(await panel.textContent()).toContain(`model: "${listed.data[0]!.id}"`);

    await panel.getByRole("button", { name: "Test OpenAI chat" }).click();
    const result = panel.getByTestId("api-test-result");
    await expect.poll(() => result.getAttribute("data-ok"), long).toBe("true");
    const text = (await result.textContent()) ?? "";
    expect(text).toMatch(/The OpenAI chat API works\. HTTP 200 from .+, \d+ tokens/);
    // The scripted model thinks for 3,200 tokens, so the test's 256-token request ends mid-thought, and says so.
    expect(text).toContain("still reasoning");
    expect(text).toContain(LONG_SCRIPT_THOUGHT.slice(0, 40));
    await screenshots("editor-test", () => result);
  });

  test("eight screenshots were saved, and the page never reached beyond this machine", async () => {
    expect(saved).toHaveLength(8);
    for (const file of saved) expect((await stat(file)).size, file).toBeGreaterThan(10_000);
    expect(app.chrome.offMachineRequests).toEqual([]);
  });
});
