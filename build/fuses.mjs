// The Electron fuses every package gets, flipped by electron-builder's afterPack hook
// (electron-builder.yml → afterPack). They live here, not under `electronFuses`, because one of them
// differs by platform and electron-builder's own table is the same for all.
import path from "node:path";
import { FuseV1Options, FuseVersion, flipFuses } from "@electron/fuses";

/** On everywhere but macOS (see `fusesFor`); the rest are the same on every platform. */
export const FUSES = {
  runAsNode: true,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  // Checked by Electron on macOS and Windows (electron-builder writes the hashes).
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

/**
 * RunAsNode: node-llama-cpp tests each prebuilt binary in a child process before loading it, and
 * inside the engine's utilityProcess it can only fork that child through child_process.fork, which
 * needs ELECTRON_RUN_AS_NODE. It runs that test on Linux always and on Windows for GPU builds
 * (getLlama.js#getShouldTestBinaryBeforeLoading), never on macOS: there the fuse is off, so the app's
 * binary cannot be used as a plain Node runtime.
 */
export function fusesFor(electronPlatformName) {
  const mac = electronPlatformName === "darwin" || electronPlatformName === "mas";
  return { ...FUSES, runAsNode: !mac };
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
