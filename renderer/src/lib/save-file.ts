/**
 * Hands text to the user as a file: a Blob link clicked in the page, which serve mode's browser
 * and Electron (its download handler) both turn into a saved file. Nothing leaves the machine.
 */
export function saveTextFile(fileName: string, content: string, mimeType = "text/plain"): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = Object.assign(document.createElement("a"), { href: url, download: fileName });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
