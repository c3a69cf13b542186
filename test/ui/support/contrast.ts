/** WCAG relative-luminance contrast of two CSS rgb() colours. */
export function contrast(a: string, b: string): number {
  const lum = (css: string) => {
    const [r, g, bl] = css
      .match(/\d+(\.\d+)?/g)!
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/**
 * In the page: an element's text colour and the first opaque background behind it (its own or an
 * ancestor's, else the body's), for `contrast`. Pass to a locator's `evaluate`.
 */
export function textOnBackground(el: Element): { fg: string; bg: string } {
  const clear = (css: string) => css === "transparent" || /rgba\(\d+, \d+, \d+, 0\)/.test(css);
  let bg = "transparent";
  for (let node: Element | null = el; node && clear(bg); node = node.parentElement) bg = getComputedStyle(node).backgroundColor;
  if (clear(bg)) bg = getComputedStyle(document.body).backgroundColor;
  return { fg: getComputedStyle(el).color, bg };
}
