/**
 * A long R1-style reasoning trace with prose, code and math, split into word-sized tokens.
 * Deterministic, so every benchmark run streams the same text.
 */
const paragraphs = [
  (i: number) =>
    `Let me think about step ${i}. We need the sum of the first $n$ terms, so $S_n = \\frac{n(n+1)}{2}$, and for $n = ${i}$ that gives $S_{${i}} = ${(i * (i + 1)) / 2}$. Wait, I should double-check whether the problem counts from zero or from one, because that changes the answer by exactly one term.`,
  (i: number) =>
    `Hmm, alternatively we could write it as an integral: $$\\int_0^{${i}} x^2\\,dx = \\frac{${i}^3}{3}$$ which is not the same thing, so the discrete sum is what matters here. Let me verify with a quick program.`,
  (i: number) =>
    "```python\ndef partial_sum(n):\n    total = 0\n    for k in range(1, n + 1):\n        total += k  # step " +
    i +
    "\n    return total\n\nprint(partial_sum(" +
    i +
    "))\n```",
  (i: number) =>
    `So the program prints ${(i * (i + 1)) / 2}, matching the formula. But the question might ask for \\(\\sum_{k=1}^{n} k^2\\) instead, which is \\[\\frac{n(n+1)(2n+1)}{6}\\] and for n = ${i} equals ${(i * (i + 1) * (2 * i + 1)) / 6}. I need to reread the statement carefully before committing.`,
  (i: number) => `- first, the base case holds for n = 1\n- second, assume it for ${i}\n- third, add ${i + 1} to both sides and simplify`,
];

export function traceTokens(count: number): string[] {
  const tokens: string[] = [];
  for (let i = 1; tokens.length < count; i++) {
    const text = paragraphs[i % paragraphs.length]!(i) + "\n\n";
    tokens.push(...(text.match(/\s*\S+\s*/g) ?? []));
  }
  return tokens.slice(0, count);
}

export const answerText =
  "The answer is $\\boxed{5050}$.\n\n```ts\nconst sum = (n: number) => (n * (n + 1)) / 2;\n```\n\nBecause $S_n = \\frac{n(n+1)}{2}$ with $n = 100$.";
