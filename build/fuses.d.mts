export type Fuses = {
  runAsNode: boolean;
  enableCookieEncryption: boolean;
  enableNodeOptionsEnvironmentVariable: boolean;
  enableNodeCliInspectArguments: boolean;
  enableEmbeddedAsarIntegrityValidation: boolean;
  onlyLoadAppFromAsar: boolean;
  grantFileProtocolExtraPrivileges: boolean;
};
export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { executableName?: string; appInfo: { productFilename: string } };
}
export const FUSES: Fuses;
export function fusesFor(electronPlatformName: string): Fuses;
export function electronBinaryPath(context: PackContext): string;
export function afterPack(context: PackContext): Promise<void>;
