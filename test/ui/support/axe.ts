// axe-core (the accessibility checker, a devDependency) run inside a webview's page: its source is
// evaluated in the frame through the browser's debugging protocol (our CSP allows no foreign script tag).
import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  targets: string[];
  summary: string;
}

let source: string | undefined;

// The page's globals, for the functions run inside it (this project's tsconfig has no DOM library).
declare const window: { axe: { run(context: unknown, options: object): Promise<AxeResults> } };
declare const document: unknown;

/** The chat webview's own document (VS Code nests it in two iframes). */
export async function chatDocumentFrame(page: Page): Promise<Frame> {
  const handle = await page
    .frameLocator('iframe.webview.ready')
    .locator('iframe#active-frame')
    .elementHandle({ timeout: 20_000 });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the chat webview has no content frame');
  return frame;
}

/** Runs every axe rule (WCAG 2.x A/AA and best practices, colour contrast included) on the frame. */
export async function runAxe(frame: Frame): Promise<AxeViolation[]> {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await frame.evaluate('typeof window.axe === "object"'))) await frame.evaluate(source);
  return frame.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      targets: v.nodes.slice(0, 4).map((n) => n.target.join(' ')),
      summary: v.nodes[0]?.failureSummary ?? '',
    }));
  });
}

interface AxeResults {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: string[]; failureSummary?: string }[];
  }[];
}

/** Counts by impact, e.g. { critical: 0, serious: 1, moderate: 2, minor: 0 }. */
export function countByImpact(violations: AxeViolation[]): Record<string, number> {
  const counts: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) counts[v.impact ?? 'minor'] = (counts[v.impact ?? 'minor'] ?? 0) + v.nodes;
  return counts;
}
