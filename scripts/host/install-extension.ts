// Installs the built extension into an extensions folder the way VS Code lays one out: a folder named
// <publisher>.<name>-<version> holding what the .vsix would ship (manifest, readme, dist/, media/).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './host-env';

interface Manifest {
  publisher: string;
  name: string;
  version: string;
  main?: string;
}

const shipped = ['package.json', 'README.md', 'LICENSE', 'dist', 'media'];

export function readManifest(root = repoRoot): Manifest {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
}

/** Copies the built extension into `extensionsDir`, replacing an older copy; returns its folder. */
export function installExtensionCopy(extensionsDir: string, root = repoRoot): string {
  const m = readManifest(root);
  const main = path.join(root, m.main ?? 'dist/extension.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build the extension first (npm run build)`);
  const id = `${m.publisher}.${m.name}`;
  fs.mkdirSync(extensionsDir, { recursive: true });
  for (const old of fs.readdirSync(extensionsDir)) {
    if (old.startsWith(`${id}-`)) fs.rmSync(path.join(extensionsDir, old), { recursive: true, force: true });
  }
  // VS Code remembers removed or installed extensions in extensions.json; a stale entry would hide ours.
  fs.rmSync(path.join(extensionsDir, 'extensions.json'), { force: true });
  fs.rmSync(path.join(extensionsDir, '.obsolete'), { force: true });
  const target = path.join(extensionsDir, `${id}-${m.version}`);
  for (const entry of shipped) {
    const from = path.join(root, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true });
  }
  return target;
}

/**
 * Installs a packaged .vsix the way a user does: code-server's own `--install-extension`, into
 * `extensionsDir`. The UI suite then exercises exactly what `npm run package` ships.
 */
export function installExtensionVsix(
  host: { node24: string; codeServerEntry: string },
  extensionsDir: string,
  vsix: string,
  userDataDir: string,
): void {
  if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
  fs.mkdirSync(extensionsDir, { recursive: true });
  const r = spawnSync(
    host.node24,
    [
      host.codeServerEntry,
      '--install-extension',
      vsix,
      '--force',
      `--extensions-dir=${extensionsDir}`,
      `--user-data-dir=${userDataDir}`,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0)
    throw new Error(`installing ${vsix} failed (exit ${r.status}): ${r.stderr || r.stdout || r.error}`);
}

/**
 * The UI suite's second extension (test/ui/fixtures/consent-caller): it calls Hive's commands with the
 * consent-skipping arguments, as any installed extension could. Installed the way Hive was: packaged
 * and installed by code-server beside a .vsix install, else copied beside the copied extension.
 */
export function installConsentCaller(
  host: { node24: string; codeServerEntry: string },
  extensionsDir: string,
  userDataDir: string,
  work: string,
  viaVsix: boolean,
): void {
  const src = path.join(repoRoot, 'test', 'ui', 'fixtures', 'consent-caller');
  const m = readManifest(src);
  if (!viaVsix) {
    fs.cpSync(src, path.join(extensionsDir, `${m.publisher}.${m.name}-${m.version}`), { recursive: true });
    return;
  }
  const vsix = path.join(work, `${m.name}.vsix`);
  const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
  const r = spawnSync(
    vsce,
    ['package', '--allow-missing-repository', '--skip-license', '--no-dependencies', '-o', vsix],
    { cwd: src, encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`packaging ${src} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  installExtensionVsix(host, extensionsDir, vsix, userDataDir);
}
