export function mergeFeeds(texts: string[]): string;
export function collectRelease(out: string, jobDirs: string[]): string[];
