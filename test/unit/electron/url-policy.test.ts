// The Electron shell's URL policies, tested without Electron (no binary on these machines):
// the shell imports these pure functions; this test imports no electron at all.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { applyFuses, FUSES } from '../../../scripts/electron-fuses.ts';
import { externalUrl, isAppUrl, menuTemplate, navigationAllowed, type MenuItem } from '../../../src/main/electron/url-policy.ts';
import { serviceHostsOf } from '../../../src/main/profiles/service-hosts.ts';
import { tempDir } from '../../helpers/temp.ts';

const indexFile = '/opt/Repo Ops/resources/app.asar/out/renderer/index.html';
const packaged = { indexFile };
const dev = { indexFile, devServerUrl: 'http://localhost:5173' };
const index = pathToFileURL(indexFile).href;

describe('which page is the app', () => {
  it('trusts exactly its own index.html (any #route), not any file:// page', () => {
    expect(isAppUrl(index, packaged)).toBe(true);
    expect(isAppUrl(`${index}#/settings`, packaged)).toBe(true);
    for (const url of ['file:///etc/passwd', 'file:///tmp/evil.html', pathToFileURL('/opt/Repo Ops/resources/app.asar/out/renderer/other.html').href, `${index}?x=1`, 'file://evil-host/opt/Repo%20Ops/resources/app.asar/out/renderer/index.html', pathToFileURL('/opt/Repo Ops/resources/app.asar/out/renderer/../../../../tmp/index.html').href]) {
      expect(isAppUrl(url, packaged), url).toBe(false);
    }
  });

  it('matches the dev server exactly (origin, not a prefix) and only when one is configured', () => {
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5173/#/jobs', dev)).toBe(true);
    for (const url of ['http://localhost:5173.evil.example/', 'http://localhost:51730/', 'http://user:pw@localhost:5173/', 'https://localhost:5173/', 'http://localhost:5173/@fs/etc/passwd', 'http://localhost:5174/']) {
      expect(isAppUrl(url, dev), url).toBe(false);
    }
    expect(isAppUrl('http://localhost:5173/', packaged)).toBe(false);
    expect(navigationAllowed('https://github.com/', dev)).toBe(false);
    expect(isAppUrl('not a url', dev)).toBe(false);
  });
});

describe('openExternal', () => {
  it('opens only https URLs on the allow-list: GitHub, documentation and the configured services', () => {
    expect(externalUrl('https://github.com/octo/widgets/pull/7')).toBe('https://github.com/octo/widgets/pull/7');
    expect(externalUrl('https://www.electronjs.org/docs/latest/tutorial/security')).not.toBeNull();
    const hosts = serviceHostsOf([{ githubApiUrl: 'https://ghe.corp.example/api/v3', openaiBaseUrl: 'https://api.openai.com/v1', httpServices: [{ url: 'https://api.leaderboard.example/health' }] }]);
    expect(externalUrl('https://ghe.corp.example/org/repo', hosts)).toBe('https://ghe.corp.example/org/repo');
    expect(externalUrl('https://api.leaderboard.example/metrics', hosts)).not.toBeNull();
    for (const url of ['http://github.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://share/x', 'https://evil.example/', 'https://github.com.evil.example/', 'https://user:pw@github.com/', 'ms-msdt:/id', 'https://ghe.corp.example/']) {
      expect(externalUrl(url), url).toBeNull();
    }
    expect(serviceHostsOf([{ githubApiUrl: 'https://api.github.com', openaiBaseUrl: 'https://api.openai.com/v1', httpServices: [] }])).toContain('github.com');
  });
});

describe('menu', () => {
  const labels = (items: MenuItem[]): string[] => items.flatMap((i) => [i.role ?? i.label ?? '', ...labels(i.submenu ?? [])]);
  it('has no DevTools entry (nor reload) in packaged builds', () => {
    expect(labels(menuTemplate({ packaged: true, platform: 'linux' }))).not.toContain('toggleDevTools');
    expect(labels(menuTemplate({ packaged: true, platform: 'linux' }))).not.toContain('reload');
    expect(labels(menuTemplate({ packaged: false, platform: 'linux' }))).toContain('toggleDevTools');
    expect(labels(menuTemplate({ packaged: true, platform: 'darwin' }))[0]).toBe('appMenu');
  });
});

describe('fuses', () => {
  it('flips the fuse wire of an Electron binary as configured (a binary with a real fuse sentinel)', async () => {
    const tmp = tempDir();
    try {
      // Electron's fuse wire: sentinel, version 1, length, then one byte per fuse ('1' = enabled).
      const binary = join(tmp.dir, 'electron');
      const wire = Buffer.concat([Buffer.from('\x7fELF…code…'), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 9]), Buffer.from('111111111'), Buffer.from('…more code…')]);
      writeFileSync(binary, wire);
      closeSync(openSync(binary, 'r'));
      await applyFuses(binary);
      const fuses = await getCurrentFuseWire(binary);
      const on = (o: FuseV1Options) => fuses[o] === FuseState.ENABLE;
      expect(on(FuseV1Options.RunAsNode)).toBe(false);
      expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
      expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
      expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true);
      expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true);
      expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
      expect(readFileSync(binary).length).toBe(wire.length);
      expect(FUSES.strictlyRequireAllFuses).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });
});
