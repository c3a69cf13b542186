import { describe, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { useHarness } from "./support/harness-page.js";

import type { DownloadProgress as Item } from "../../electron/shared/contract/downloads.js";

declare const harness: { progress(item: Item): void; calls(): string[] };

let page: Page;

const ui = useHarness();

const GB = 1024 ** 3;
const item = (over: Partial<Item>): Item => ({
  id: "d1",
  jobId: "d1",
  name: "R1-Distill-Qwen-7B Q4_K_M",
  state: "downloading",
  bytesDone: 0,
  bytesTotal: 4 * GB,
  speedBytesPerSecond: 0,
  fileIndex: 0,
  fileCount: 1,
  notes: [],
  ...over,
});
const row = () => page.getByTestId("download-row");

describe("downloads list", () => {
  test("shows progress with speed and time left, and pauses and resumes", async () => {
    page = await ui.open("downloads");
    await page.evaluate((i) => harness.progress(i), item({ bytesDone: GB, speedBytesPerSecond: 50 * 1024 ** 2, etaSeconds: 61 }));
    await expect
      .poll(() =>
        row()
          .locator("progress")
          .evaluate((el: HTMLProgressElement) => el.value),
      )
      .toBeCloseTo(0.25);
    expect(await row().textContent()).toContain("1.0 GiB of 4.0 GiB (25%)");
    expect(await page.getByTestId("download-speed").textContent()).toBe("50.0 MiB/s · 2 min left");
    await page.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => page.evaluate(() => harness.calls())).toEqual(["pause d1"]);
    await expect.poll(() => row().getAttribute("data-state")).toBe("paused");
    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => page.evaluate(() => harness.calls())).toEqual(["pause d1", "resume d1"]);
    await expect.poll(() => row().getAttribute("data-state")).toBe("downloading");
  });

  test("shows an error in words with Retry", async () => {
    page = await ui.open("downloads");
    await page.evaluate(
      (i) => harness.progress(i),
      item({ state: "failed", bytesDone: 2 * GB, reason: "The server closed the connection. 2.0 GB are kept; Retry continues from there." }),
    );
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("The server closed the connection");
    await page.getByRole("button", { name: "Retry" }).click();
    await expect.poll(() => page.evaluate(() => harness.calls())).toEqual(["resume d1"]);
    await expect.poll(() => page.getByRole("alert").count()).toBe(0);
  });

  test("a failed download shows no moving bar: where it stopped, the reason and Retry", async () => {
    page = await ui.open("downloads");
    const indeterminate = () =>
      row()
        .locator("progress")
        .evaluateAll((bars: HTMLProgressElement[]) => bars.filter((bar) => bar.position === -1).length);
    // It failed before the server told the size: a bar would only spin.
    await page.evaluate((i) => harness.progress(i), item({ state: "failed", bytesTotal: undefined, reason: "The server refused the request (HTTP 403)." }));
    await expect.poll(() => row().getAttribute("data-state")).toBe("failed");
    expect(await indeterminate()).toBe(0);
    expect(await row().textContent()).toContain("The server refused the request (HTTP 403).");
    expect(await row().getByRole("button", { name: "Retry" }).count()).toBe(1);
    // It failed half way: the bar stays where it stopped.
    await page.evaluate((i) => harness.progress(i), item({ state: "failed", bytesDone: 2 * GB, reason: "The server closed the connection." }));
    await expect
      .poll(() =>
        row()
          .locator("progress")
          .evaluate((bar: HTMLProgressElement) => bar.position),
      )
      .toBeCloseTo(0.5);
  });

  test("cancel removes the row", async () => {
    page = await ui.open("downloads");
    await page.evaluate((i) => harness.progress(i), item({ bytesDone: GB / 2 }));
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => row().count()).toBe(0);
    expect(await page.evaluate(() => harness.calls())).toEqual(["cancel d1"]);
    expect(await page.getByTestId("downloads-list").textContent()).toContain("Nothing downloading");
  });
});
