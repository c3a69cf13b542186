import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { ensureFixture } from "../fixtures/models.js";
import { startAppUnderTest, type AppUnderTest } from "../support/e2e/app-under-test.js";

// A GGUF the person already has, end to end through the real core and engine: one imported from
// their own folder, and one another app (the Hugging Face hub cache) downloaded, found by
// "Find models from other apps". Each loads from the Library and answers.
let app: AppUnderTest;
let page: Page;
let work: string;
let ownFile: string;
let cachedFile: string;

/** The hub cache's layout: the file lives in blobs/ and the snapshot names it through a symlink. */
async function hubCacheCopy(model: string, hubCache: string): Promise<string> {
  const repo = path.join(hubCache, "models--someone--scripted-r1-GGUF");
  await mkdir(path.join(repo, "blobs"), { recursive: true });
  await mkdir(path.join(repo, "snapshots", "0123abc"), { recursive: true });
  await copyFile(model, path.join(repo, "blobs", "9f86d081884c7d65"));
  const named = path.join(repo, "snapshots", "0123abc", "scripted-r1-cached.gguf");
  await symlink(path.join("..", "..", "blobs", "9f86d081884c7d65"), named);
  return named;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "r1-e2e-library-"));
  const model = await ensureFixture("scripted-r1");
  ownFile = path.join(work, "my-models", "my-scripted-r1.gguf");
  await mkdir(path.dirname(ownFile), { recursive: true });
  await copyFile(model, ownFile);
  const hubCache = path.join(work, "hf-hub");
  cachedFile = await hubCacheCopy(model, hubCache);
  // Every other app's folder points into the test's own folder, so only what the test put there is found.
  app = await startAppUnderTest({
    env: { HF_HUB_CACHE: hubCache, LLAMA_CACHE: path.join(work, "llama.cpp"), XDG_CACHE_HOME: path.join(work, "cache") },
  });
  page = app.page;
}, 300_000);
afterAll(async () => {
  await app?.close();
  await rm(work, { recursive: true, force: true });
});

const long = { timeout: 180_000, interval: 250 };
const nav = (name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("button", { name, exact: true });
const banner = () => page.getByTestId("engine-banner");

async function askAndGetAnswer(question: string): Promise<void> {
  await nav("Chat").click();
  const box = page.getByRole("textbox", { name: "Message" });
  await expect.poll(() => box.isEnabled(), long).toBe(true);
  const answers = page.getByTestId("assistant-message");
  const before = await answers.count();
  await box.fill(question);
  await box.press("Enter");
  await expect.poll(() => answers.count(), long).toBe(before + 1);
  const answer = answers.last();
  await expect.poll(() => answer.getAttribute("data-status"), long).toBe("done");
  expect(await answer.getByTestId("answer").textContent()).toContain("The answer is");
}

describe("a GGUF already on this machine, end to end", () => {
  test("the empty chat says where a model can be loaded", async () => {
    await expect.poll(() => page.getByTestId("composer-reason").textContent(), long).toContain("Load one from your Library");
  });

  test("an imported file loads from its Library row and answers a question", async () => {
    await nav("Downloads").click();
    await page.getByLabel("Import a .gguf file already on this machine").fill(ownFile);
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const row = page.getByTestId("library-row").filter({ hasText: ownFile });
    await expect.poll(() => row.count(), long).toBe(1);
    await row.getByRole("button", { name: /^Load / }).click();
    await expect.poll(() => row.getByTestId("file-loaded").count(), long).toBe(1);
    expect(await row.getByRole("button", { name: /^Unload / }).count()).toBe(1);
    // Not a catalog variant: the banner names the file.
    expect(await page.getByTestId("loaded-model-name").textContent()).toBe("my-scripted-r1.gguf");
    await askAndGetAnswer("What is six times seven?");
  });

  test("'Find models from other apps' finds the hub cache's copy, and it loads and answers", async () => {
    await nav("Downloads").click();
    await page.getByRole("button", { name: "Find models from other apps" }).click();
    const found = page.getByTestId("found-models").getByRole("listitem").filter({ hasText: cachedFile });
    await expect.poll(() => found.count(), long).toBe(1);
    expect(await found.textContent()).toContain("Hugging Face cache");
    await found.getByRole("button", { name: /^Load / }).click();
    await expect.poll(() => found.getByTestId("file-loaded").count(), long).toBe(1);
    expect(await page.getByTestId("loaded-model-name").textContent()).toBe("scripted-r1-cached.gguf");
    // The imported one is no longer the loaded one.
    expect(await page.getByTestId("library-row").filter({ hasText: ownFile }).getByTestId("file-loaded").count()).toBe(0);
    await found.getByRole("button", { name: /^Add .* to the library$/ }).click();
    await expect.poll(() => page.getByTestId("library-row").filter({ hasText: cachedFile }).count(), long).toBe(1);
    await askAndGetAnswer("And once more?");
    expect(await banner().textContent()).toContain("scripted-r1-cached.gguf");
    expect(app.chrome.offMachineRequests).toEqual([]);
  });
});
