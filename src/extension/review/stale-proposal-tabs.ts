// A window reload restores the diff tabs of proposals, but the proposals lived in memory: their
// requests were cancelled with the old extension host, and the tabs can only show an error. They are
// closed when the extension activates (package.json activates it on the hive-proposal schemes, so a
// restored tab wakes it), and whenever such a tab shows up that no review owns. Cline and Roo Code
// close their diff views the same way when they start.
import * as vscode from 'vscode';
import { BASE_SCHEME, PROPOSAL_SCHEME } from './proposal-fs';

export interface StaleTabOptions {
  /** True for a URI of a proposal under review now (its tab stays). */
  isUnderReview(uri: vscode.Uri): boolean;
  /** The schemes of both sides (tests use their own). */
  schemes?: { proposal: string; base: string };
}

function proposalUris(tab: vscode.Tab): vscode.Uri[] {
  const input = tab.input;
  if (input instanceof vscode.TabInputTextDiff) return [input.original, input.modified];
  if (input instanceof vscode.TabInputText) return [input.uri];
  return [];
}

function isStale(tab: vscode.Tab, opts: StaleTabOptions): boolean {
  const schemes = opts.schemes ?? { proposal: PROPOSAL_SCHEME, base: BASE_SCHEME };
  const ours = proposalUris(tab).filter((u) => u.scheme === schemes.proposal || u.scheme === schemes.base);
  return ours.length > 0 && !ours.some((u) => opts.isUnderReview(u));
}

/** Closes every proposal tab no review owns; returns how many it closed. */
export async function closeStaleProposalTabs(opts: StaleTabOptions): Promise<number> {
  const stale = vscode.window.tabGroups.all.flatMap((g) => g.tabs.filter((t) => isStale(t, opts)));
  if (stale.length === 0) return 0;
  // `true`: keep focus where it is; a restored proposal has no edits worth a "save?" prompt.
  await vscode.window.tabGroups.close(stale, true);
  return stale.length;
}

/** Closes stale proposal tabs now and whenever one opens later (a restore that comes after activation). */
export function watchStaleProposalTabs(
  opts: StaleTabOptions & { log: { warn(m: string): void } },
): vscode.Disposable {
  const sweep = () =>
    closeStaleProposalTabs(opts).catch((err: unknown) =>
      opts.log.warn(`Review: closing the tabs of proposals no longer pending failed: ${String(err)}`),
    );
  void sweep();
  let timer: NodeJS.Timeout | undefined;
  const listener = vscode.window.tabGroups.onDidChangeTabs((e) => {
    if (!e.opened.some((t) => isStale(t, opts))) return;
    // Closing a tab while its editor is still being created fails inside VS Code ("InstantiationService
    // has been disposed"): let the opening finish first.
    clearTimeout(timer);
    timer = setTimeout(() => void sweep(), OPEN_SETTLE_MS);
  });
  return new vscode.Disposable(() => {
    clearTimeout(timer);
    listener.dispose();
  });
}

/** How long a newly opened stale tab is left to finish opening before it is closed. */
const OPEN_SETTLE_MS = 300;
