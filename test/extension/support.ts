// Helpers shared by the extension-host tests (bundled into each test file).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { HiveExtensionApi } from '../../src/extension/api';
import type { SessionNode } from '../../src/extension/tree/nodes';

export const extensionId = 'hive-vscode.hive-vscode';

export interface Contributes {
  commands?: { command: string; title: string; category?: string }[];
  viewsContainers?: { activitybar?: { id: string; title: string }[] };
  views?: Record<string, { id: string; name: string }[]>;
}

export function hiveExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(extensionId);
  if (!ext) throw new Error(`extension ${extensionId} is not loaded in this host`);
  return ext;
}

export function contributes(): Contributes {
  return (hiveExtension().packageJSON as { contributes: Contributes }).contributes;
}

/** Polls `probe` until it returns a truthy value; UI state reaches the extension host a moment later. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The extension's test surface (what activate() returns), activating it if needed. */
export async function hiveApi(): Promise<HiveExtensionApi> {
  const ext = hiveExtension();
  const api = (ext.isActive ? ext.exports : await ext.activate()) as HiveExtensionApi;
  if (!api?.sessionsTree) throw new Error('the extension returned no API from activate()');
  return api;
}

/** Every node of the Sessions tree: the root's children and, for groups, their (paged) children. */
export async function treeSnapshot(
  api: HiveExtensionApi,
): Promise<{ root: SessionNode[]; all: SessionNode[] }> {
  const root = (await api.sessionsTree.getChildren()) ?? [];
  const all: SessionNode[] = [];
  for (const n of root) {
    all.push(n);
    if (n.kind === 'group') all.push(...((await api.sessionsTree.getChildren(n)) ?? []));
  }
  return { root, all };
}

/** The session ids shown (live and cold). */
export function idsOf(nodes: SessionNode[]): string[] {
  return nodes.flatMap((n) =>
    n.kind === 'live' ? [n.session.session_id] : n.kind === 'cold' ? [n.entry.session_id] : [],
  );
}

/** A line in the suite's output (marked for the code-server driver, like the reporter's lines). */
export function note(line: string): void {
  console.log(`${process.env.HIVE_HOST_DRIVER === '1' ? '[hive-ext-test] ' : ''}      ${line}`);
}

/** A scratch folder on tmpfs when there is one (thousands of small files), else in the temp folder. */
export function scratchDir(prefix: string): string {
  let base = os.tmpdir();
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    base = '/dev/shm';
  } catch {}
  return fs.mkdtempSync(path.join(base, prefix));
}

/** Runs `fn` with hive.home set to `home` (once the extension follows it), then puts the previous home back. */
export async function withHome<T>(api: HiveExtensionApi, home: string, fn: () => Promise<T>): Promise<T> {
  const previous = api.hiveHome();
  const config = vscode.workspace.getConfiguration('hive');
  await config.update('home', home, vscode.ConfigurationTarget.Global);
  try {
    await waitFor('the extension to follow hive.home', () => api.hiveHome() === home);
    return await fn();
  } finally {
    await config.update('home', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('hive.home back to the previous home', () => api.hiveHome() === previous);
  }
}
