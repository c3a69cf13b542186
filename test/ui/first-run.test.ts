import { describe, expect, test } from "vitest";
import { useHarness } from "./support/harness-page.js";

declare const harness: { clicks(): string[] };

const ui = useHarness();

describe("first run", () => {
  test("no model → the recommended variant and why → download → chat, in three clicks", async () => {
    const page = await ui.open("first-run");
    const card = page.getByTestId("first-run");
    await expect.poll(() => card.textContent()).toContain("Recommended: R1 Distill Qwen 1.5B Q4_K_M");
    expect(await card.textContent()).toContain("runs here at about 18 tokens/s");
    expect(await card.getByTestId("fit-badge").getAttribute("data-tone")).toBe("slow");
    expect(await page.getByTestId("composer-reason").textContent()).toContain("No model is loaded");

    await card.getByRole("button", { name: "Download and load" }).click(); // 1
    await expect.poll(() => page.getByTestId("engine-banner").textContent(), { timeout: 10_000 }).toContain("Model: R1 Distill Qwen 1.5B Q4_K_M");
    await expect.poll(() => page.getByTestId("first-run").count()).toBe(0);

    const box = page.getByRole("textbox", { name: "Message" });
    await box.click(); // 2
    await box.pressSequentially("What is six times seven?");
    await page.getByRole("button", { name: "Send" }).click(); // 3
    await expect.poll(() => page.getByTestId("trace-title").textContent(), { timeout: 10_000 }).toMatch(/^Thought for/);
    await expect.poll(() => page.getByTestId("answer").locator(".katex").count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => harness.clicks())).toEqual(["Download and load", "Send"]);
  });

  test("the toasts say the downloaded model is loading, then that it is loaded; never 'ready to load' while it loads", async () => {
    const page = await ui.open("first-run");
    const notices = page.getByRole("region", { name: "Notices" }).getByTestId("notice");
    await page.getByTestId("first-run").getByRole("button", { name: "Download and load" }).click();
    await expect
      .poll(() => notices.allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringContaining("Downloaded R1 Distill Qwen 1.5B Q4_K_M. Loading it now"));
    await expect.poll(() => notices.allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining("R1 Distill Qwen 1.5B Q4_K_M is loaded"));
    expect((await notices.allTextContents()).join(" ")).not.toContain("ready to load");
  });
});
