import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import type { TrainingExportRequest } from "../../electron/shared/contract/conversations.js";
import { useHarness } from "./support/harness-page.js";

type Harness = { requests(): TrainingExportRequest[]; saved(): string[]; answerWith(examples: number, skipped: number): void };
declare const harness: Harness;

let page: Page;
const ui = useHarness();
const exportButton = () => page.getByRole("button", { name: "Export JSONL" });

describe("training data export", () => {
  test("exports every conversation by default: reasoning field, finished and kept answers only, and says what it saved", async () => {
    page = await ui.open("trace-export");
    await exportButton().click();
    await expect
      .poll(() => page.getByTestId("export-result").textContent())
      .toBe("Saved 3 answers to r1-local-traces-reasoning-2026-11-30.jsonl; 1 left out by the filters.");
    expect(await page.evaluate(() => harness.requests())).toEqual([{ style: "reasoning-field", onlyFinished: true, onlyKept: true }]);
    expect(await page.evaluate(() => harness.saved())).toEqual(["r1-local-traces-reasoning-2026-11-30.jsonl"]);
  });

  test("sends the chosen conversations, format and filters", async () => {
    page = await ui.open("trace-export");
    await page.getByLabel("Selected").check();
    expect(await page.getByTestId("export-problem").textContent()).toBe("Choose at least one conversation.");
    expect(await exportButton().isDisabled()).toBe(true);
    await page.getByLabel("Refactor the parser").check();
    await page.getByLabel(/<think>/).check();
    await page.getByLabel("Only answers I kept").uncheck();
    await page.getByLabel("Minimum reasoning length in characters").fill("200");
    await page.getByLabel("Maximum reasoning length in characters").fill("20000");
    await exportButton().click();
    await expect
      .poll(() => page.evaluate(() => harness.requests()))
      .toEqual([{ ids: ["c2"], style: "think-tags", onlyFinished: true, onlyKept: false, minReasoningChars: 200, maxReasoningChars: 20000 }]);
  });

  test("says in words what is wrong with the lengths, and saves nothing when no answer passes", async () => {
    page = await ui.open("trace-export");
    await page.getByLabel("Minimum reasoning length in characters").fill("500");
    await page.getByLabel("Maximum reasoning length in characters").fill("100");
    expect(await page.getByTestId("export-problem").textContent()).toBe("The minimum reasoning length is above the maximum.");
    await page.getByLabel("Maximum reasoning length in characters").fill("lots");
    expect(await page.getByTestId("export-problem").textContent()).toBe("Reasoning lengths are whole numbers of characters, or blank for no limit.");
    expect(await exportButton().isDisabled()).toBe(true);
    await page.getByLabel("Maximum reasoning length in characters").fill("");
    await page.evaluate(() => harness.answerWith(0, 4));
    await exportButton().click();
    await expect.poll(() => page.getByTestId("export-result").textContent()).toBe("No answer passed the filters (4 left out); nothing was saved.");
    expect(await page.evaluate(() => harness.saved())).toEqual([]);
  });
});
