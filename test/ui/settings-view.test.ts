import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

declare const harness: { patches(): Record<string, unknown>[]; checks(): number; theme(): string };

let page: Page;

const ui = useHarness();

describe("settings view", () => {
  test("the theme applies at once to the whole page", async () => {
    page = await ui.open("settings");
    const theme = page.getByLabel("Theme");
    await theme.selectOption("dark");
    await expect.poll(() => page.evaluate(() => harness.theme())).toBe("dark");
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(21, 23, 27)");
    await theme.selectOption("system");
    await expect.poll(() => page.evaluate(() => harness.theme())).toBe("system");
    expect(await page.evaluate(() => harness.patches())).toEqual([{ theme: "dark" }, { theme: "system" }]);
  });

  test("Settings offer Open log folder, which shows where the log is when the folder cannot open here", async () => {
    page = await ui.open("settings");
    await page.getByRole("button", { name: "Open log folder" }).click();
    await expect.poll(() => page.getByTestId("log-folder-path").textContent()).toBe("The log is in /srv/r1/data/logs on the computer running R1 Local.");
    expect(await page.getByRole("button", { name: "Copy log folder path" }).isVisible()).toBe(true);
  });

  test("shows DeepSeek's sampling defaults and saves a change as one patch", async () => {
    page = await ui.open("settings");
    expect(await page.getByLabel(/^Temperature/).inputValue()).toBe("0.6");
    expect(await page.getByLabel(/^Top-p/).inputValue()).toBe("0.95");
    await page.getByLabel(/^Thinking budget/).fill("2048");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Saved.").count()).toBe(1);
    const [patch] = await page.evaluate(() => harness.patches());
    expect(patch).toMatchObject({ thinkingBudget: 2048, sampling: { temperature: 0.6, topP: 0.95 }, contextSize: "auto", kvCacheType: "auto" });
  });

  test("speculative decoding is on by default and can be turned off", async () => {
    page = await ui.open("settings");
    const toggle = page.getByLabel(/^Speculative decoding/);
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Saved.").count()).toBe(1);
    const [patch] = await page.evaluate(() => harness.patches());
    expect(patch).toMatchObject({ speculativeDecoding: false });
  });

  test("room to reason is automatic by default, and a fixed context and cache type can be set", async () => {
    page = await ui.open("settings");
    expect(await page.getByLabel(/^Context size/).inputValue()).toBe("auto");
    expect(await page.getByLabel(/^KV cache type/).inputValue()).toBe("auto");
    await page.getByLabel(/^Context size/).fill("16384");
    await page.getByLabel(/^KV cache type/).selectOption("q4_0");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Saved.").count()).toBe(1);
    const [patch] = await page.evaluate(() => harness.patches());
    expect(patch).toMatchObject({ contextSize: 16384, kvCacheType: "q4_0" });
  });

  test("parallel requests are automatic by default, and a fixed number can be set", async () => {
    page = await ui.open("settings");
    const parallel = page.getByLabel(/^Parallel requests/);
    expect(await parallel.inputValue()).toBe("auto");
    await parallel.fill("2");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Saved.").count()).toBe(1);
    const [patch] = await page.evaluate(() => harness.patches());
    expect(patch).toMatchObject({ parallelRequests: 2 });
  });

  test("the hub token is never in the page: the form says it is set, keeps it unless a new one is typed, and can remove it", async () => {
    page = await ui.open("settings");
    const token = page.getByLabel(/^Hub token/);
    await token.fill("hf_abcdefgh5678");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Set, ends in …5678").count()).toBe(1);
    expect(await token.inputValue()).toBe("");
    // Saving again without typing a token leaves it alone.
    await page.getByLabel(/^Thinking budget/).fill("1024");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("button", { name: "Remove token" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Only for gated models; none set").count()).toBe(1);
    const hubs = (await page.evaluate(() => harness.patches())).map((p) => p.hub);
    expect(hubs).toEqual([
      { endpoint: "https://huggingface.co", token: "hf_abcdefgh5678" },
      { endpoint: "https://huggingface.co" },
      { endpoint: "https://huggingface.co", token: null },
    ]);
    expect(await page.content()).not.toContain("hf_abcdefgh");
  });

  test("moving the hub endpoint to another address removes the token, and the form says so", async () => {
    page = await ui.open("settings");
    await page.getByLabel(/^Hub token/).fill("hf_abcdefgh5678");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Set, ends in …5678").count()).toBe(1);
    await page.getByLabel(/^Hub endpoint/).fill("https://hf-mirror.example");
    const removed = "The token was removed because the address changed; enter it again";
    await expect.poll(() => page.getByText(removed).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Remove token" }).count()).toBe(0);
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText("Saved.").count()).toBeGreaterThan(0);
    // Still said after saving, until a token is typed for the new address.
    expect(await page.getByText(removed).count()).toBe(1);
    expect((await page.evaluate(() => harness.patches())).at(-1)?.hub).toEqual({ endpoint: "https://hf-mirror.example" });
    await page.getByLabel(/^Hub token/).fill("hf_mirror9999");
    expect(await page.getByText(removed).count()).toBe(0);
  });

  test("a refused value shows the core's reason and keeps what was typed", async () => {
    page = await ui.open("settings");
    await page.getByLabel(/^Temperature/).fill("3");
    await page.getByRole("button", { name: "Save" }).click();
    // The form's own alert (the API section beside it has its own for the serve-mode token).
    await expect.poll(() => page.locator("form .row").getByRole("alert").textContent()).toBe("Temperature must be 2 or less.");
    expect(await page.getByLabel(/^Temperature/).inputValue()).toBe("3");
  });

  test("updates: nothing is asked until 'Check for updates'; a newer version can be downloaded, then installed by a restart", async () => {
    page = await ui.open("settings");
    const updates = page.getByTestId("updates");
    await expect.poll(() => updates.isVisible()).toBe(true);
    expect(await page.evaluate(() => harness.checks())).toBe(0);
    await updates.getByRole("button", { name: "Check for updates" }).click();
    await expect.poll(() => updates.getByRole("status").textContent()).toContain("R1 Local 0.2.0 is available.");
    expect(await updates.textContent()).toContain("Faster loads.");
    await updates.getByRole("button", { name: "Download 0.2.0" }).click();
    await expect.poll(() => updates.getByRole("button", { name: "Restart to update" }).count()).toBe(1);
    expect(await updates.getByRole("status").textContent()).toContain("0.2.0 is ready");
  });

  test("updates: the check at start is off until turned on, and is saved as one patch", async () => {
    page = await ui.open("settings", { update: "none" });
    const box = page.getByLabel("Check for updates when R1 Local starts");
    await expect.poll(() => box.isVisible()).toBe(true);
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await expect.poll(() => page.evaluate(() => harness.patches())).toEqual([{ updates: { checkOnStart: true } }]);
    await page.getByRole("button", { name: "Check for updates" }).click();
    await expect.poll(() => page.getByTestId("updates").getByRole("status").textContent()).toContain("R1 Local is up to date.");
  });

  test("updates: an app that cannot update says why and offers no button that would fail", async () => {
    page = await ui.open("settings", { update: "unsupported" });
    const updates = page.getByTestId("updates");
    await expect.poll(() => updates.getByRole("status").textContent()).toContain("Serve mode does not update itself.");
    expect(await updates.getByRole("button", { name: "Check for updates" }).isDisabled()).toBe(true);
  });
});
