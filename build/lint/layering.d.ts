import type { ESLint, Rule } from "eslint";

export const LAYERS: Record<string, { folders: string[]; packages: string[]; forbiddenPackages?: string[]; noNodeBuiltins?: boolean }>;
export function layerOf(file: string, layerRoot?: string): string | undefined;
export function checkImport(fromFile: string, specifier: string, layerRoot?: string): string | undefined;
export const layeringRule: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
