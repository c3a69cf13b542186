import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

declare const harness: {
  measure(variantId: string, tokensPerSecond: number): void;
  settingsContext(size: number | "auto"): void;
  evaluatedAt(): Array<number | "auto">;
};

// The Models page on the picker fixture (fixtures/picker.svelte.ts): its toy estimator gives each
// variant the asked context as its room ("auto": 64K), as the core does.
const ui = useHarness();
const row = (page: Page, model: string) => page.locator(`[data-testid="model-row"][data-model="${model}"]`);

async function picker(): Promise<Page> {
  const page = await ui.open("picker");
  await expect.poll(() => row(page, "huge").getByTestId("fit-badge").count()).toBe(1);
  return page;
}

async function openRoom(page: Page, model: string, name: string): Promise<string> {
  await row(page, model)
    .getByRole("button", { name: `Show details of ${name}` })
    .click();
  const room = row(page, model).getByTestId("model-details").getByTestId("reasoning-room").first();
  await expect.poll(() => room.count()).toBe(1);
  return (await room.innerText()) ?? "";
}

describe("one set of numbers on the Models page", () => {
  test("the context the page weighs is the one a load uses, and each row's room says the same context", async () => {
    const page = await picker();
    // Settings' default is "auto": a load gives each model its room, and so does the page.
    expect(await page.getByTestId("planner-context").innerText()).toMatch(/^auto/);
    expect(await page.evaluate(() => harness.evaluatedAt())).not.toContain(8192);
    expect(await openRoom(page, "small", "R1 Distill Qwen 7B")).toContain("(64K context,");
    expect(await page.getByTestId("load-context-note").count()).toBe(0);

    // Weighing another size says what a load still uses, and the room follows the slider.
    await page.getByRole("slider").fill("2");
    await expect.poll(() => page.getByTestId("planner-context").innerText()).toBe("4,096 tokens");
    const room = row(page, "small").getByTestId("model-details").getByTestId("reasoning-room").first();
    await expect.poll(() => room.innerText()).toBe("Room for about 3,000 tokens of reasoning (4K context, f16 cache)");
    expect(await page.getByTestId("load-context-note").innerText()).toMatch(/^A load uses auto/);

    // Settings changed to 16K: the page weighs what a load now uses.
    await page.evaluate(() => harness.settingsContext(16384));
    await expect.poll(() => page.getByTestId("planner-context").innerText()).toBe("16,384 tokens");
    await expect.poll(() => room.innerText()).toContain("(16K context,");
    expect(await page.getByTestId("load-context-note").count()).toBe(0);
  });

  test("a speed measured by an answer replaces the estimate in the row at once", async () => {
    const page = await picker();
    const speed = row(page, "tiny").getByTestId("variant-speed");
    expect(await speed.innerText()).toMatch(/^≈ /);
    const shown = (await row(page, "tiny").getByTestId("variant").first().getAttribute("data-variant"))!;
    await page.evaluate((id) => harness.measure(id, 123.4), shown);
    await expect.poll(() => speed.innerText()).toBe("123 tok/s");
  });

  test("sizes are in GiB, labelled as such, in the row and the memory bars", async () => {
    const page = await picker();
    expect(await row(page, "tiny").getByTestId("variant-size").innerText()).toMatch(/^\d+\.\d GiB$/);
    await row(page, "tiny").getByRole("button", { name: "Show details of R1 Distill Qwen 1.5B" }).click();
    const bars = row(page, "tiny").getByTestId("memory-bars").first();
    await expect.poll(() => bars.count()).toBe(1);
    expect(await bars.innerText()).toMatch(/\d\.\d GiB/);
    expect(await bars.innerText()).not.toMatch(/\d GB\b/);
  });
});
