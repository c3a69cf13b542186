/**
 * Words the Settings page and the rest of the app share, so one thing has one name: the thinking
 * budget's "no limit", and what the "auto" KV cache becomes on this computer (the type the Models
 * page's rows show and a load uses: `core/fit/context-choice.ts`).
 */

/** The thinking budget with no cap, as Settings and the composer both say it. */
export const NO_THINKING_LIMIT = "No limit";

/** A thinking budget as typed: "No limit" (or "off", or nothing) is no cap; anything else is a number of tokens. */
export function parseThinkingBudget(text: string): number | "off" {
  const trimmed = text.trim().toLowerCase();
  return trimmed === "" || trimmed === "off" || trimmed === NO_THINKING_LIMIT.toLowerCase() ? "off" : Number(trimmed.replaceAll(",", ""));
}

export function thinkingBudgetText(budget: number | "off"): string {
  return budget === "off" ? NO_THINKING_LIMIT : String(budget);
}

/** What "auto" means for the KV cache here: `hasGpu` undefined while the hardware is not known yet. */
export function autoKvCacheWords(hasGpu: boolean | undefined): string {
  if (hasGpu === true) return "auto: q8_0 on this computer's GPU, q4_0 only where that allows a larger context";
  if (hasGpu === false) return "auto: f16 on this computer (no GPU), q8_0 or q4_0 only where that allows a larger context";
  return "auto: q8_0 with a GPU, f16 without one; smaller only where that allows a larger context";
}
