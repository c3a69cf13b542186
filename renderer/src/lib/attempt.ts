/** The text to show for a failure: the core's own message, which is written for people. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `work`, clearing the shown error first and showing its failure; undefined when it failed. */
export async function attempt<T>(work: () => Promise<T>, showError: (message: string | undefined) => void): Promise<T | undefined> {
  try {
    showError(undefined);
    return await work();
  } catch (err) {
    showError(messageOf(err));
    return undefined;
  }
}
