import { z } from "zod";
import { call } from "./define.js";

// App updates from GitHub Releases. Nothing is asked of the network unless the person presses
// "Check for updates" or turns on the check at start (settings.updates.checkOnStart).

const Version = z.string().min(1).max(64);

export const UpdateStatus = z.discriminatedUnion("state", [
  /** Serve mode, or an app that was not installed from an installer: nothing to update here. */
  z.object({ state: z.literal("unsupported"), currentVersion: Version, reason: z.string() }),
  z.object({ state: z.literal("idle"), currentVersion: Version }),
  z.object({ state: z.literal("checking"), currentVersion: Version }),
  z.object({ state: z.literal("up-to-date"), currentVersion: Version, checkedAt: z.iso.datetime() }),
  z.object({ state: z.literal("available"), currentVersion: Version, version: Version, releaseNotes: z.string().nullable() }),
  z.object({ state: z.literal("downloading"), currentVersion: Version, version: Version, progress: z.number().min(0).max(1) }),
  /** Installed when the app quits, or now with updates.install. */
  z.object({ state: z.literal("downloaded"), currentVersion: Version, version: Version }),
  z.object({ state: z.literal("error"), currentVersion: Version, message: z.string() }),
]);
export type UpdateStatus = z.infer<typeof UpdateStatus>;

export const updatesCalls = {
  "updates.status": call(z.object({}).strict(), UpdateStatus),
  /** Asks GitHub Releases for a newer version; answers with the new status. */
  "updates.check": call(z.object({}).strict(), UpdateStatus),
  /** Downloads the version found by updates.check; progress arrives as updates.changed. */
  "updates.download": call(z.object({}).strict(), UpdateStatus),
  /** Quits and installs a downloaded update. */
  "updates.install": call(z.object({}).strict(), z.object({ restarting: z.boolean() })),
};

export const updatesEvents = {
  "updates.changed": UpdateStatus,
} satisfies Record<string, z.ZodType>;
