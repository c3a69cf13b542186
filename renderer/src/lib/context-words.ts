import type { PlannedContext } from "./state/catalog.svelte.js";

/** A context setting as the Models page and Settings both say it: "auto (up to 64K)" or "8,192 tokens". */
export function contextWords(size: PlannedContext): string {
  return size === "auto" ? "auto (the largest of 64K … 8K that runs well)" : `${size.toLocaleString("en-US")} tokens`;
}
