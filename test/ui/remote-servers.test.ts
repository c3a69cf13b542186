import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

declare const harness: { saved(): Record<string, unknown>[]; selected(): string | null };

let page: Page;
const ui = useHarness();
const KEY = "sk-live-abcdefghijklmnopWXYZ";

describe("remote servers in settings", () => {
  test("a preset fills the address and says how to start the server; the saved key shows only as a hint", async () => {
    page = await ui.open("remote");
    await page.getByRole("button", { name: "Add a server" }).click();
    await page.getByLabel("Server").selectOption("sglang");
    expect(await page.getByLabel("Base URL").inputValue()).toBe("http://127.0.0.1:30000/v1");
    expect(await page.getByTestId("endpoint-form").textContent()).toContain("--reasoning-parser deepseek-r1");
    await page.getByLabel("API key").fill(KEY);
    await page.getByRole("button", { name: "Add server" }).click();
    await expect.poll(() => page.getByTestId("endpoint-row").count()).toBe(1);
    expect(await page.getByTestId("endpoint-row").textContent()).toContain("key …WXYZ");
    expect(await page.content()).not.toContain(KEY);
    expect(await page.evaluate(() => harness.saved())).toEqual([
      { name: "SGLang", baseUrl: "http://127.0.0.1:30000/v1", model: "deepseek-ai/DeepSeek-R1", preset: "sglang", family: "r1-distill", apiKey: KEY },
    ]);

    // Editing without typing a key keeps the saved one.
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Name").fill("Lab SGLang");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByTestId("endpoint-row").textContent()).toContain("Lab SGLang");
    expect((await page.evaluate(() => harness.saved()))[1]).not.toHaveProperty("apiKey");
    expect(await page.getByTestId("endpoint-row").textContent()).toContain("key …WXYZ");
  });

  test("moving the address to another server drops the saved key, and the form says so before saving", async () => {
    page = await ui.open("remote");
    await page.getByRole("button", { name: "Add a server" }).click();
    await page.getByLabel("API key").fill(KEY);
    await page.getByRole("button", { name: "Add server" }).click();
    await page.getByRole("button", { name: "Edit" }).click();
    // Another path on the same server keeps the key.
    await page.getByLabel("Base URL").fill("http://127.0.0.1:8000/api/v1");
    expect(await page.getByTestId("key-dropped").count()).toBe(0);
    await page.getByLabel("Base URL").fill("https://gpu-box.example/v1");
    await expect.poll(() => page.getByTestId("key-dropped").textContent()).toBe("The key was removed because the address changed; enter it again.");
    expect(await page.getByLabel("API key").getAttribute("placeholder")).toBe("none");
    // Typing the key again for the new address takes the line away.
    await page.getByLabel("API key").fill("sk-new-key-1234");
    expect(await page.getByTestId("key-dropped").count()).toBe(0);
    await page.getByLabel("API key").fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByTestId("endpoint-row").textContent()).toContain("no key");
    expect((await page.evaluate(() => harness.saved()))[1]).not.toHaveProperty("apiKey");
  });

  test("a key over plain http to another machine needs the person's tick, kept with the endpoint", async () => {
    page = await ui.open("remote");
    await page.getByRole("button", { name: "Add a server" }).click();
    expect(await page.getByLabel(/Send the key over http/).count()).toBe(0); // 127.0.0.1: this machine
    await page.getByLabel("Base URL").fill("http://10.0.0.5:8000/v1");
    await page.getByLabel("API key").fill(KEY);
    await page.getByLabel(/Send the key over http/).check();
    await page.getByRole("button", { name: "Add server" }).click();
    await expect.poll(() => page.getByTestId("endpoint-row").count()).toBe(1);
    expect((await page.evaluate(() => harness.saved()))[0]).toMatchObject({ baseUrl: "http://10.0.0.5:8000/v1", apiKey: KEY, sendKeyOverHttp: true });
    await page.getByRole("button", { name: "Edit" }).click();
    expect(await page.getByLabel(/Send the key over http/).isChecked()).toBe(true);
  });

  test("test connection shows the latency and the served models, or the reason it failed", async () => {
    page = await ui.open("remote");
    await page.getByRole("button", { name: "Add a server" }).click();
    await page.getByLabel("Base URL").fill("http://127.0.0.1:9999/v1");
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect.poll(() => page.getByTestId("test-failed").textContent()).toMatch(/refused the connection/);
    await page.getByLabel("Base URL").fill("http://127.0.0.1:8000/v1");
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect.poll(() => page.getByTestId("test-ok").textContent()).toMatch(/Connected in 42 ms · serves deepseek-ai\/DeepSeek-R1/);
  });

  test("chatting with a server is marked as leaving this machine until this computer is used again", async () => {
    page = await ui.open("remote");
    await page.getByRole("button", { name: "Add a server" }).click();
    await page.getByRole("button", { name: "Add server" }).click();
    await page.getByRole("button", { name: "Chat with this server" }).click();
    await expect.poll(() => page.getByTestId("remote-banner").textContent()).toMatch(/Leaves this machine.*127\.0\.0\.1:8000/);
    await page.getByTestId("remote-banner").getByRole("button", { name: "Use this computer" }).click();
    await expect.poll(() => page.getByTestId("remote-banner").count()).toBe(0);
    expect(await page.evaluate(() => harness.selected())).toBeNull();
  });
});

describe("run on a server", () => {
  test("shows the plan per precision with a copyable launch command each", async () => {
    page = await ui.open("remote");
    await page.getByRole("button", { name: "Run on a server" }).click();
    await expect.poll(() => page.getByTestId("server-recipe").count()).toBeGreaterThan(4);
    const plan = (await page.getByTestId("server-plan").textContent()) ?? "";
    expect(plan).toContain("conversations are sent there");
    expect(plan).toMatch(/vLLM on 2 nodes × 8 × H100/);
    expect(plan).toContain('-ot ".ffn_.*_exps.=CPU"');
    const recipes = await page.getByTestId("server-recipe").count();
    for (let i = 0; i < recipes; i++)
      expect(await page.getByTestId("server-recipe").nth(i).getByRole("button", { name: "Copy command" }).count()).toBeGreaterThan(0);
  });

  test("no command listens on every interface or runs the repository's code; Use this server fills the form with the key the commands start it with", async () => {
    page = await ui.open("remote");
    await page.getByRole("button", { name: "Run on a server" }).click();
    await expect.poll(() => page.getByTestId("server-recipe").count()).toBeGreaterThan(4);
    const plan = (await page.getByTestId("server-plan").textContent()) ?? "";
    expect(plan).not.toContain("0.0.0.0");
    expect(plan).not.toContain("--trust-remote-code");
    expect(plan).toContain("ssh -N -L 8000:127.0.0.1:8000");
    const key = /--api-key (sk-r1-[\w-]+)/.exec(plan)![1]!;

    const vllm = page.getByTestId("server-recipe").filter({ hasText: "vLLM on" }).first();
    await vllm.getByRole("button", { name: "Use this server" }).click();
    const form = page.getByTestId("endpoint-form");
    await expect.poll(() => form.count()).toBe(1);
    expect(await form.getByLabel("API key").inputValue()).toBe(key);
    expect(await form.getByLabel("Base URL").inputValue()).toBe("http://127.0.0.1:8000/v1");
    expect(await form.getByLabel("Model", { exact: true }).inputValue()).toBe("deepseek-ai/DeepSeek-R1");
    await form.getByRole("button", { name: "Add server" }).click();
    await expect.poll(() => page.getByTestId("endpoint-row").count()).toBe(1);
    expect(await page.evaluate(() => harness.saved())).toEqual([
      {
        name: "DeepSeek-R1 (671B) on vLLM",
        baseUrl: "http://127.0.0.1:8000/v1",
        model: "deepseek-ai/DeepSeek-R1",
        preset: "vllm",
        family: "r1-distill",
        apiKey: key,
      },
    ]);
  });
});
