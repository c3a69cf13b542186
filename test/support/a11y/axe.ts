import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";

const AXE_SCRIPT = path.resolve(import.meta.dirname, "../../../node_modules/axe-core/axe.min.js");

/** The rule sets the app promises to pass: WCAG 2.0, 2.1 (A and AA) and 2.2 AA. */
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * Runs axe-core over the whole page as it is now and returns one readable line per failing
 * element (rule, impact, the element's selector, what to fix), so a failing test says what broke.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const injected = await page.evaluate(() => "axe" in globalThis);
  // Evaluated rather than added as a <script>: the app's strict CSP (rightly) refuses inline scripts.
  if (!injected) await page.evaluate(await readFile(AXE_SCRIPT, "utf8"));
  const violations = (await page.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"],
    });
    return result.violations;
  }, WCAG_TAGS)) as AxeViolation[];
  return violations.flatMap((v) =>
    v.nodes.map((node) => `${v.id} (${v.impact ?? "?"}): ${v.help} at ${JSON.stringify(node.target)}: ${(node.failureSummary ?? "").replace(/\s+/g, " ")}`),
  );
}
