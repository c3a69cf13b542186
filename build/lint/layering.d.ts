import type { ESLint, Rule } from "eslint";

export const LAYERS: Record<string, { folders: string[]; packages: string[]; forbiddenPackages?: string[]; noNodeBuiltins?: boolean }>;
export const CORE_TIERS: { bottom: string[]; composition: string; capabilities: Record<string, string[]> };
export const CORE_NEVER: Record<string, string[]>;
export function findTierCycle(capabilities?: Record<string, string[]>): string[] | null;
export function checkCoreImport(fromFile: string, target: string, layerRoot?: string): string | undefined;
export function layerOf(file: string, layerRoot?: string): string | undefined;
export function checkImport(fromFile: string, specifier: string, layerRoot?: string): string | undefined;
export const layeringRule: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
