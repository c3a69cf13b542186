/** The badge's tone and words for a fit verdict. Words carry the meaning; colour only repeats it. */
export type FitTone = "good" | "slow" | "tight" | "bad" | "unknown";

const tones: [RegExp, FitTone, string][] = [
  [/won'?t|wont|not.?fit|no.?disk|disk/i, "bad", "Won't fit"],
  [/tight|swap/i, "tight", "Tight"],
  [/partial/i, "slow", "Partial GPU"],
  [/cpu/i, "slow", "CPU only"],
  [/gpu|full|fits|ok/i, "good", "Runs on GPU"],
];

export function fitTone(verdict: string): { tone: FitTone; words: string } {
  for (const [pattern, tone, words] of tones) if (pattern.test(verdict)) return { tone, words };
  return { tone: "unknown", words: verdict };
}
