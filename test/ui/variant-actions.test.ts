import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

declare const harness: { starts(): string[] };

// The picker fixture (fixtures/picker.svelte.ts): 32 GB of RAM, no GPU; the 70B model will not fit.
const ui = useHarness();
const row = (page: Page, model: string) => page.locator(`[data-testid="model-row"][data-model="${model}"]`);

async function picker(query: Record<string, string> = {}): Promise<Page> {
  const page = await ui.open("picker", query);
  await expect.poll(() => row(page, "huge").getByTestId("fit-badge").count()).toBe(1);
  return page;
}

describe("variant actions on the Models page", () => {
  test("the loaded variant's row says Loaded and offers Unload, not Load", async () => {
    const page = await picker({ loaded: "small-q5_k_m" });
    const small = row(page, "small");
    expect(await small.getByTestId("variant").first().getAttribute("data-variant")).toBe("small-q5_k_m");
    await expect.poll(() => small.getByTestId("variant-loaded").textContent()).toBe("Loaded");
    expect(await small.getByRole("button", { name: "Unload" }).count()).toBe(1);
    expect(await small.getByRole("button", { name: "Load", exact: true }).count()).toBe(0);
    expect(await row(page, "tiny").getByTestId("variant-loaded").count()).toBe(0);
  });

  test("downloading a variant that will not fit asks first, saying why and how big it is", async () => {
    const page = await picker();
    const huge = row(page, "huge");
    const size = (await huge.getByTestId("variant-size").textContent())!.trim();
    await huge.getByRole("button", { name: "Download" }).click();
    const ask = page.getByRole("alertdialog", { name: "Download a model that will not run here" });
    await expect.poll(() => ask.count()).toBe(1);
    const text = (await ask.textContent()) ?? "";
    expect(text).toContain("will not run on this machine");
    expect(text).toMatch(/Q4_K_M needs \d+\.\d GiB; RAM has 32 GiB\./);
    expect(text).toContain(`${size} download`);
    expect(await page.evaluate(() => harness.starts())).toEqual([]);

    await ask.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => ask.count()).toBe(0);
    expect(await page.evaluate(() => harness.starts())).toEqual([]);

    await huge.getByRole("button", { name: "Download" }).click();
    await ask.getByRole("button", { name: "Download anyway" }).click();
    await expect.poll(() => page.evaluate(() => harness.starts())).toEqual(["huge-q4_k_m"]);
  });

  test("a variant that fits downloads on one click", async () => {
    const page = await picker();
    await row(page, "tiny").getByRole("button", { name: "Download" }).click();
    await expect.poll(() => page.evaluate(() => harness.starts())).toEqual(["tiny-q8_0"]);
    expect(await page.getByRole("alertdialog").count()).toBe(0);
  });
});
