import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

type Sent = { prompt: string; attachments: { name: string; chars: number; tokens: number | null | undefined }[] };
type Harness = { sent(): Sent[]; setContext(size: number, history?: number): void; unloadModel(): void };
declare const harness: Harness;

let page: Page;
let folder: string;
const ui = useHarness();

beforeAll(() => {
  // A small project: .gitignore'd build output and dependencies, a nested .gitignore, a binary file.
  folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "r1-attach-ui-")), "project");
  const put = (name: string, content: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    fs.writeFileSync(path.join(folder, name), content);
  };
  put(".gitignore", "dist/\nnode_modules/\n*.log\n");
  put("src/main.ts", "export function main() {\n  return 42;\n}\n");
  put("src/util.ts", "export const twice = (n: number) => n * 2;\n");
  put("src/generated/.gitignore", "*.gen.ts\n");
  put("src/generated/api.gen.ts", "// generated\n");
  put("dist/main.js", "function main(){return 42}\n");
  put("node_modules/lib/index.js", "module.exports = 1;\n");
  put("debug.log", "noise\n");
  put("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
});
afterAll(() => fs.rmSync(path.dirname(folder), { recursive: true, force: true }));

const box = () => page.getByRole("textbox", { name: "Message" });
const chips = () => page.getByTestId("attachment");
const chipTexts = async () => (await chips().allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());

describe("attachments in the composer", () => {
  test("a picked file shows its name, its token count and a remove button, and is sent with the question", async () => {
    page = await ui.open("attachments");
    await page.getByTestId("attach-files-input").setInputFiles([
      { name: "notes.md", mimeType: "text/markdown", buffer: Buffer.from("# Notes\n\nThe build is slow.\n") },
      { name: "math.ts", mimeType: "text/plain", buffer: Buffer.from("export const pi = 3.14159;\n") },
    ]);
    await expect.poll(chipTexts).toEqual(["notes.md 7 tokens ×", "math.ts 7 tokens ×"]);
    expect(await page.getByTestId("attachments-total").textContent()).toBe("2 files · 14 tokens");
    await page.getByRole("button", { name: "Remove notes.md" }).click();
    await expect.poll(chipTexts).toEqual(["math.ts 7 tokens ×"]);
    await box().fill("What is pi here?");
    await box().press("Enter");
    await expect
      .poll(() => page.evaluate(() => harness.sent()))
      .toEqual([{ prompt: "What is pi here?", attachments: [{ name: "math.ts", chars: 27, tokens: 7 }] }]);
    expect(await chips().count()).toBe(0);
  });

  test("without a model the token count says it is unknown instead of counting for ever", async () => {
    page = await ui.open("attachments");
    await page.evaluate(() => harness.unloadModel());
    await page.getByTestId("attach-files-input").setInputFiles({ name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("hello\n") });
    await expect.poll(chipTexts).toEqual(["a.txt tokens unknown (no model loaded) ×"]);
  });

  test("a binary file is refused with a message, and nothing is attached", async () => {
    page = await ui.open("attachments");
    await page
      .getByTestId("attach-files-input")
      .setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: fs.readFileSync(path.join(folder, "logo.png")) });
    await expect.poll(() => page.getByTestId("attachment-notices").textContent()).toContain("logo.png is a binary file; only text files can be attached.");
    expect(await chips().count()).toBe(0);
    expect(await page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
  });

  test("a folder brings its text files, leaving out what .gitignore excludes and binary files, with the count said", async () => {
    page = await ui.open("attachments");
    await page.getByTestId("attach-folder-input").setInputFiles(folder);
    await expect
      .poll(async () => (await chips().allTextContents()).map((t) => t.split(" ")[0]))
      .toEqual(["project/.gitignore", "project/src/generated/.gitignore", "project/src/main.ts", "project/src/util.ts"]);
    expect(await page.getByTestId("attachment-notices").textContent()).toContain("From project: 4 files attached; skipped 4 ignored by .gitignore, 1 binary.");
  });

  test("a dropped file is attached", async () => {
    page = await ui.open("attachments");
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(["SELECT 1;\n"], "query.sql", { type: "text/plain" }));
      document.querySelector("[data-testid=composer]")!.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect.poll(chipTexts).toEqual(["query.sql 3 tokens ×"]);
  });

  test("a large paste becomes an attachment; a short one stays in the box", async () => {
    page = await ui.open("attachments");
    const paste = (text: string) =>
      page.evaluate((text) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        const box = document.querySelector("textarea")!;
        box.focus();
        box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      }, text);
    await paste(Array.from({ length: 60 }, (_, i) => `line ${i}`).join("\n"));
    await expect.poll(chipTexts).toEqual(["Pasted text 1.txt 118 tokens ×"]);
    expect(await box().inputValue()).toBe("");
    // A short paste is left to the browser (not cancelled): no new attachment.
    const cancelled = await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData("text/plain", "just a line");
      return !document.querySelector("textarea")!.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    expect(cancelled).toBe(false);
    expect(await chips().count()).toBe(1);
  });

  test("warns in words when the files leave little room, and refuses to send when they do not fit", async () => {
    page = await ui.open("attachments");
    await page.evaluate(() => harness.setContext(2048, 1500));
    await page.getByTestId("attach-files-input").setInputFiles({ name: "big.txt", mimeType: "text/plain", buffer: Buffer.from("x".repeat(1200)) });
    await expect
      .poll(() => page.getByTestId("attachments-warning").textContent())
      .toBe(
        "The files take 300 tokens and leave only 248 of the 2,048 tokens of context for the reasoning and the answer; it may be cut short. Remove some files, or load the model with a larger context.",
      );
    await box().fill("Summarise");
    expect(await page.getByRole("button", { name: "Send" }).isDisabled()).toBe(false);
    await page.getByTestId("attach-files-input").setInputFiles({ name: "bigger.txt", mimeType: "text/plain", buffer: Buffer.from("y".repeat(2400)) });
    await expect
      .poll(() => page.getByTestId("attachments-warning").textContent())
      .toContain("needs 2,400 of the 2,048 tokens of context, so it cannot be sent");
    expect(await page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Remove bigger.txt" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Send" }).isDisabled()).toBe(false);
  });

  test("secret-looking files are left out and named, and attached only when the person ticks to include them", async () => {
    page = await ui.open("attachments");
    const secretFolder = path.join(path.dirname(folder), "service");
    fs.mkdirSync(path.join(secretFolder, ".ssh"), { recursive: true });
    fs.writeFileSync(path.join(secretFolder, "app.ts"), "export const port = 8080;\n");
    fs.writeFileSync(path.join(secretFolder, ".env"), "DATABASE_PASSWORD=hunter2\n");
    fs.writeFileSync(path.join(secretFolder, ".ssh", "id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    await page.getByTestId("attach-folder-input").setInputFiles(secretFolder);
    await page
      .getByTestId("attach-files-input")
      .setInputFiles({ name: "server.pem", mimeType: "text/plain", buffer: Buffer.from("-----BEGIN PRIVATE KEY-----\n") });
    await expect.poll(async () => page.getByTestId("attachments-held-back").textContent()).toContain("service/.env, service/.ssh/id_ed25519, server.pem");
    expect(await chipTexts()).toEqual(["service/app.ts 7 tokens ×"]);
    expect(await page.getByTestId("attachment-notices").textContent()).toContain("From service: 1 files attached; skipped 2 that may hold secrets.");

    await page.getByRole("checkbox", { name: "Include secret-looking files" }).check();
    await expect
      .poll(async () => (await chipTexts()).map((t) => t.split(" ")[0]).sort())
      .toEqual(["server.pem", "service/.env", "service/.ssh/id_ed25519", "service/app.ts"]);
    await box().fill("Why does it not start?");
    await box().press("Enter");
    await expect
      .poll(() =>
        page.evaluate(() =>
          harness
            .sent()
            .at(-1)
            ?.attachments.map((a) => a.name)
            .sort(),
        ),
      )
      .toEqual(["server.pem", "service/.env", "service/.ssh/id_ed25519", "service/app.ts"]);
  });
});
