// The Electron fuses every package gets, flipped by electron-builder's afterPack hook
// (electron-builder.yml → afterPack). They live here, not under `electronFuses`, because one of them
// differs by platform and electron-builder's own table is the same for all.
import path from "node:path";
import { FuseV1Options, FuseVersion, flipFuses } from "@electron/fuses";

/** The same on every platform. */
export const FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  // Checked by Electron on macOS and Windows (electron-builder writes the hashes).
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

/**
 * RunAsNode is off everywhere: node-llama-cpp used to test each prebuilt binary in a forked child
 * (Linux always, Windows GPU builds), which inside the engine's utilityProcess needs
 * ELECTRON_RUN_AS_NODE. The engine process is that test now (electron/engine/backend-attempts.ts: a
 * backend that crashes it while starting is excluded on the next start) and skips node-llama-cpp's
 * (NODE_LLAMA_CPP_SKIP_BINARY_TEST, patches/node-llama-cpp+*.patch), so the app's binary never has
 * to run as plain Node. Kept as a function of the platform for the next fuse that has to differ.
 */
export function fusesFor(electronPlatformName) {
  void electronPlatformName;
  return { ...FUSES };
}

/** Where electron-builder put the Electron binary (as its own `addElectronFuses` finds it). */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === "linux") return path.join(appOutDir, packager.executableName);
  const ext = electronPlatformName === "win32" ? ".exe" : ".app";
  return path.join(appOutDir, `${packager.appInfo.productFilename}${ext}`);
}

export async function afterPack(context) {
  const fuses = fusesFor(context.electronPlatformName);
  await flipFuses(electronBinaryPath(context), {
    version: FuseVersion.V1,
    [FuseV1Options.RunAsNode]: fuses.runAsNode,
    [FuseV1Options.EnableCookieEncryption]: fuses.enableCookieEncryption,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: fuses.enableNodeOptionsEnvironmentVariable,
    [FuseV1Options.EnableNodeCliInspectArguments]: fuses.enableNodeCliInspectArguments,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: fuses.enableEmbeddedAsarIntegrityValidation,
    [FuseV1Options.OnlyLoadAppFromAsar]: fuses.onlyLoadAppFromAsar,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: fuses.grantFileProtocolExtraPrivileges,
  });
}
