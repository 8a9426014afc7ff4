// Electron fuses for packaged builds (Electron security checklist, items 19–20): features of
// the Electron binary that Repo Ops does not use are switched off in the binary itself, where
// no environment variable or command-line flag can switch them back on.
//
//   npm run fuses -- <path to the packaged Electron binary or .app>
//
// Any packager runs it on its output: electron-builder as `afterPack` (this module's default
// export), Electron Forge through @electron/fuses' FusesPlugin with FUSES below.
import { flipFuses, FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would turn the app into a plain Node interpreter for any local process.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and the rest of the session at rest are encrypted with the OS key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS and --inspect would let another process inject code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Only the signed app.asar runs, and its integrity is checked.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The renderer is loaded from file:// (its own index.html only, see src/main/electron/url-policy.ts);
  // module scripts there need these privileges. An app:// scheme would let this be false.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
  [FuseV1Options.WasmTrapHandlers]: true,
} satisfies FuseV1Config;

/** Flips the fuses of a packaged binary (`.app` bundle on macOS); resets the ad-hoc signature there. */
export async function applyFuses(electronBinary: string): Promise<void> {
  await flipFuses(electronBinary, { ...FUSES, resetAdHocDarwinSignature: process.platform === 'darwin' });
}

interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}

/** electron-builder `afterPack` hook. */
export default async function afterPack(ctx: AfterPackContext): Promise<void> {
  const name = ctx.packager.appInfo.productFilename;
  const binary =
    ctx.electronPlatformName === 'darwin' || ctx.electronPlatformName === 'mas'
      ? join(ctx.appOutDir, `${name}.app`)
      : ctx.electronPlatformName === 'win32'
        ? join(ctx.appOutDir, `${name}.exe`)
        : join(ctx.appOutDir, ctx.packager.executableName ?? name.toLowerCase());
  await applyFuses(binary);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: npm run fuses -- <path to the packaged Electron binary or .app>');
    process.exit(2);
  }
  await applyFuses(target);
  console.log(`Fuses set on ${target}`);
}
