export const RENDERER_ALIASES: Record<string, string>;
export function rendererAlias(root?: string): Record<string, string>;
