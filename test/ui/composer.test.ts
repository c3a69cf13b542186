import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

type Harness = {
  sent(): { prompt: string; thinkingBudget: number | null }[];
  cancelled(): string[];
  setDisabledReason(reason: string | null): void;
  finish(): void;
};
declare const harness: Harness;

let page: Page;

const ui = useHarness();

const box = () => page.getByRole("textbox", { name: "Message" });

describe("composer", () => {
  test("Enter sends, Shift+Enter makes a new line", async () => {
    page = await ui.open("composer");
    await box().click();
    await page.keyboard.type("first line");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("second line");
    expect(await box().inputValue()).toBe("first line\nsecond line");
    expect(await page.evaluate(() => harness.sent())).toEqual([]);
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => harness.sent())).toEqual([{ prompt: "first line\nsecond line", thinkingBudget: null }]);
    expect(await box().inputValue()).toBe("");
  });

  test("shows Stop while generating, and Stop cancels that job", async () => {
    page = await ui.open("composer");
    await box().fill("Why is the sky blue?");
    await page.getByRole("button", { name: "Send" }).click();
    const stop = page.getByRole("button", { name: "Stop" });
    await expect.poll(() => stop.count()).toBe(1);
    await stop.click();
    await expect.poll(() => page.evaluate(() => harness.cancelled())).toEqual(["job-1"]);
    await page.evaluate(() => harness.finish());
    await expect.poll(() => page.getByRole("button", { name: "Send" }).count()).toBe(1);
  });

  test("is disabled with the reason in words when no model is loaded", async () => {
    page = await ui.open("composer");
    await page.evaluate(() => harness.setDisabledReason("No model is loaded. Load one from your Library (in Downloads), or download one in Models."));
    await expect.poll(() => box().isDisabled()).toBe(true);
    expect(await page.getByTestId("composer-reason").textContent()).toBe(
      "No model is loaded. Load one from your Library (in Downloads), or download one in Models.",
    );
    expect(await box().getAttribute("aria-describedby")).toBe("composer-disabled-reason");
    expect(await page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    await page.evaluate(() => harness.setDisabledReason(null));
    await expect.poll(() => box().isDisabled()).toBe(false);
  });

  test("sends the chosen thinking budget", async () => {
    page = await ui.open("composer");
    await page.getByLabel("Thinking budget").selectOption({ label: "1,024 tokens" });
    await box().fill("Prove it briefly.");
    await box().press("Enter");
    await expect.poll(() => page.evaluate(() => harness.sent())).toEqual([{ prompt: "Prove it briefly.", thinkingBudget: 1024 }]);
  });

  test("does not send blank text", async () => {
    page = await ui.open("composer");
    await box().fill("   ");
    await box().press("Enter");
    await page.waitForTimeout(50);
    expect(await page.evaluate(() => harness.sent())).toEqual([]);
  });
});
