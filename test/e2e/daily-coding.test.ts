import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { E2E_RESULTS, startAppUnderTest, TEST_VARIANT_ID, type AppUnderTest } from "../support/e2e/app-under-test.js";
import { readChatDataset } from "../support/training/chat-format.js";

// A coding day: attach a file and ask about it, regenerate, then export the traces as training data.
let app: AppUnderTest;
let page: Page;

beforeAll(async () => {
  app = await startAppUnderTest();
  page = app.page;
}, 300_000);
afterAll(async () => app?.close());

const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name });
const lastAnswer = () => page.getByTestId("assistant-message").last();
const box = () => page.getByRole("textbox", { name: "Message" });
const long = { timeout: 180_000, interval: 250 };
/** Steps that generate: a 256-token thought on 2 shared cores can take minutes. */
const GENERATING_STEP = 400_000;

/** The screen in both themes at 1280×800 and 800×600: test-results/e2e/daily-coding-<name>-<theme>-<size>.png. */
async function screenshots(name: string): Promise<void> {
  // Scripts as strings: this file is type-checked for Node, without the DOM's types.
  const theme = (await page.evaluate("document.documentElement.dataset.theme ?? null")) as string | null;
  for (const scheme of ["light", "dark"] as const) {
    for (const [width, height] of [
      [1280, 800],
      [800, 600],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.evaluate(`document.documentElement.dataset.theme = "${scheme}"`);
      await page.screenshot({ path: path.join(E2E_RESULTS, `daily-coding-${name}-${scheme}-${width}x${height}.png`) });
    }
  }
  await page.evaluate(theme ? `document.documentElement.dataset.theme = "${theme}"` : "delete document.documentElement.dataset.theme");
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** Prompt tokens of an answer, from its metrics line ("… · prompt 1,234 tokens (12 cached) · …"). */
async function promptTokens(answer: ReturnType<typeof lastAnswer>): Promise<number> {
  const line = (await answer.getByTestId("metrics-line").textContent()) ?? "";
  const match = /prompt ([\d,]+) tokens/.exec(line);
  if (!match) throw new Error(`No prompt tokens in "${line}"`);
  return Number(match[1]!.replaceAll(",", ""));
}

async function ask(question: string): Promise<void> {
  const before = await page.getByTestId("assistant-message").count();
  await box().fill(question);
  await box().press("Enter");
  await expect.poll(() => page.getByTestId("assistant-message").count(), long).toBe(before + 1);
  await expect.poll(() => lastAnswer().getAttribute("data-status"), long).toBe("done");
}

const SOURCE = Array.from(
  { length: 12 },
  (_, i) => `export function step${i}(value: number): number {\n  // Doubles, then adds ${i}.\n  return value * 2 + ${i};\n}\n`,
).join("\n");

describe("daily coding: files in, traces out", () => {
  test("loads the scripted model", async () => {
    await expect.poll(() => page.getByTestId("status-line").textContent(), long).toMatch(/R1 Local \d/);
    await nav("Models").click();
    const variant = page.locator(`[data-variant="${TEST_VARIANT_ID}"]`);
    await expect.poll(() => variant.getByRole("button", { name: "Download" }).count(), long).toBe(1);
    await variant.getByRole("button", { name: "Download" }).click();
    await nav("Downloads").click();
    await expect.poll(() => page.getByTestId("library").textContent(), long).toContain(".gguf");
    await nav("Models").click();
    await variant.getByRole("button", { name: "Load", exact: true }).click();
    await expect.poll(() => page.getByTestId("engine-banner").textContent(), long).toContain("Model:");
  });

  let plainPrompt = 0;
  test(
    "a question without files takes a few prompt tokens",
    async () => {
      await nav("Chat").click();
      await expect.poll(() => box().isEnabled(), long).toBe(true);
      await page.getByLabel("Thinking budget").selectOption({ label: "256 tokens" });
      await ask("What does steps.ts do?");
      plainPrompt = await promptTokens(lastAnswer());
    },
    GENERATING_STEP,
  );

  test(
    "attach a file and ask about it: the model's prompt holds the file's tokens",
    async () => {
      await page.getByRole("button", { name: "New chat" }).click();
      await expect.poll(() => page.getByTestId("user-message").count(), long).toBe(0);
      await page.getByTestId("attach-files-input").setInputFiles({ name: "steps.ts", mimeType: "text/plain", buffer: Buffer.from(SOURCE) });
      const tokens = page.getByTestId("attachment-tokens");
      await expect.poll(() => tokens.textContent(), long).toMatch(/^[\d,]+ tokens$/);
      const fileTokens = Number((await tokens.textContent())!.split(" ")[0]!.replaceAll(",", ""));
      expect(fileTokens).toBeGreaterThan(100);
      await screenshots("attached");
      await ask("What does steps.ts do?");
      const withFile = await promptTokens(lastAnswer());
      // Counted by the engine while generating, not by the composer: the file reached the context.
      expect(withFile).toBeGreaterThanOrEqual(fileTokens);
      expect(plainPrompt).toBeLessThan(fileTokens / 2);
      expect(await page.getByTestId("sent-attachments").textContent()).toContain("steps.ts");
      await screenshots("answer-with-file");
    },
    GENERATING_STEP,
  );

  test(
    "regenerate keeps the file with the question",
    async () => {
      await lastAnswer().getByRole("button", { name: "Regenerate" }).click();
      await expect.poll(() => lastAnswer().getAttribute("data-status"), long).toBe("streaming");
      await expect.poll(() => lastAnswer().getAttribute("data-status"), long).toBe("done");
      // The store has the file on the re-asked question (the export below also finds it on the kept answer's turn).
      await page.reload();
      await expect.poll(() => page.getByTestId("sent-attachments").textContent(), long).toContain("steps.ts");
      expect(await page.getByTestId("assistant-message").count()).toBe(1);
    },
    GENERATING_STEP,
  );

  test("exports the traces as training data a fine-tuning reader accepts, kept answers only unless asked", async () => {
    await nav("Training data").click();
    const saveExport = async () => {
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: "Export JSONL" }).click();
      const file = path.join(E2E_RESULTS, (await download).suggestedFilename());
      await (await download).saveAs(file);
      return file;
    };
    await page.getByLabel(/<think>/).check();
    // Every answer here had its reasoning cut by the 256-token budget: none is "finished".
    await page.getByRole("button", { name: "Export JSONL" }).click();
    await expect.poll(() => page.getByTestId("export-result").textContent(), long).toBe("No answer passed the filters (3 left out); nothing was saved.");
    await page.getByLabel("Only finished answers").uncheck();
    const kept = await readChatDataset(await saveExport(), { reasoningField: false });
    expect(kept.errors).toEqual({});
    // Two conversations, one kept answer each; the regenerated-away answer is left out.
    expect(kept.examples).toHaveLength(2);
    const withFile = kept.examples.find((e) => e.messages[0]!.content.startsWith("[file name]: steps.ts\n[file content begin]\n"))!;
    expect(withFile.messages[0]!.content).toContain("return value * 2 + 11;");
    expect(withFile.messages[1]!.content).toMatch(/^<think>\n[\s\S]+\n<\/think>\n\n\S/);
    await expect
      .poll(() => page.getByTestId("export-result").textContent())
      .toMatch(/^Saved 2 answers to r1-local-traces-think-\d{4}-\d{2}-\d{2}\.jsonl; 1 left out/);
    await screenshots("trace-export");

    await page.getByLabel("Only answers I kept").uncheck();
    await page.getByLabel(/reasoning_content/).check();
    const all = await readChatDataset(await saveExport(), { reasoningField: true });
    expect(all.errors).toEqual({});
    expect(all.examples).toHaveLength(3);
    expect(all.examples.every((e) => (e.messages.at(-1)!.reasoning_content ?? "").length > 0)).toBe(true);
  });

  test("the page never tried to reach beyond this machine", async () => {
    expect(app.chrome.offMachineRequests).toEqual([]);
    await fs.access(path.join(E2E_RESULTS, "daily-coding-trace-export-dark-800x600.png"));
  });
});
