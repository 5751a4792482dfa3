// Helpers shared by the extension-host tests (bundled into each test file).
import * as vscode from 'vscode';

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
