// The chat in the four kinds of VS Code theme: readable (inline code, code blocks, the webhook URL)
// and accessible as axe-core measures it, colour contrast included. Screenshots per theme.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { type AxeViolation, chatDocumentFrame, countByImpact, runAxe } from './support/axe';
import { loadWorkspaceColony, newSession, sendMessage } from './support/hive';
import { reply, scriptModel } from './support/model';
import { chatFrame, freshWorkspace, snap, useWorkbench, waitUntil } from './support/workbench';

// The page's globals, for the function run inside it (this project's tsconfig has no DOM library).
interface PageElement {
  parentElement: PageElement | null;
}
declare function getComputedStyle(el: PageElement): { color: string; backgroundColor: string };

const RICH_REPLY = [
  '## Plan for `notes.ts`',
  '',
  'Call `refreshNotes()` after each push; see [the docs](https://example.com/docs).',
  '',
  '```ts',
  '// Collects the TODO lines of a file.',
  'export function todos(text: string): string[] {',
  "  return text.split('\\n').filter((l) => l.includes('TODO') && l.length > 3);",
  '}',
  '```',
  '',
  '| Step | Description |',
  '| --- | --- |',
  '| 1 | Read the repository configuration and internationalization settings |',
  '| 2 | Write NOTES.md |',
  '',
  '- [x] read the TODOs',
  '- [ ] write NOTES.md',
  '',
  '> Webhook deliveries are kept until the queen has them.',
].join('\n');

/** The theme picker's labels in VS Code 1.139, and the body class the webview gets for each. */
const THEMES: [label: string, bodyClass: string][] = [
  ['Light Modern', 'vscode-light'],
  ['Dark Modern', 'vscode-dark'],
  // The high-contrast themes' setting values are their ids, not their labels.
  ['Default High Contrast', 'vscode-high-contrast'],
  ['Default High Contrast Light', 'vscode-high-contrast-light'],
];

/**
 * Switches the colour theme through the workspace's settings file, as a user editing
 * .vscode/settings.json does (VS Code applies it live; the theme picker also lists marketplace themes,
 * which this offline machine cannot reach).
 */
function setTheme(folder: string, label: string): void {
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(folder, '.vscode', 'settings.json'),
    `${JSON.stringify({ 'workbench.colorTheme': label }, null, 2)}\n`,
  );
}

/** WCAG contrast ratio of two CSS colours as the browser computed them (rgb/rgba). */
function contrast(fg: string, bg: string): number {
  const parse = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
  const lum = ([r = 0, g = 0, b = 0]: number[]) => {
    const ch = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
  };
  const [a, b] = [lum(parse(fg)), lum(parse(bg))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

describe('Themes and accessibility', () => {
  const folder = freshWorkspace();
  const page = useWorkbench({ folder, trust: true });

  before(async function () {
    await scriptModel({ reset: true });
    this.timeout(240_000);
    // The chat with content of every kind: a tool card, Markdown, a worker's pending approval, triggers.
    const queen = { tool: 'run_parallel_workers' };
    await scriptModel({
      stream: [
        {
          match: { lastUser: 'Read the notes' },
          step: reply.toolUse('read_file', { path: 'NOTES.md' }, { text: 'Reading NOTES.md.' }),
        },
        { match: { lastUser: 'tool_result' }, step: reply.text('NOTES.md lists the open TODOs.') },
        { match: { lastUser: 'Show me the plan' }, step: reply.text(RICH_REPLY) },
        {
          match: { ...queen, lastUser: 'Add a line to NOTES.md' },
          step: reply.toolUse('run_parallel_workers', { tasks: [{ task: 'Write approved.txt' }] }),
        },
        {
          match: { system: 'notes worker' },
          step: reply.toolUse('write_file', { path: 'approved.txt', content: 'pending approval\n' }),
        },
        { match: { ...queen, lastUser: 'worker_count' }, step: reply.text('The notes worker is on it.') },
      ],
    });
    await newSession(page());
    const chat = chatFrame(page());
    await loadWorkspaceColony(page(), folder);
    await sendMessage(page(), 'Read the notes');
    await chat.locator('.tool-card', { hasText: 'read_file' }).waitFor({ timeout: 30_000 });
    await chat
      .locator('.msg-assistant:not(.streaming)', { hasText: 'lists the open TODOs' })
      .waitFor({ timeout: 30_000 });
    await sendMessage(page(), 'Show me the plan');
    await chat.locator('.msg-assistant:not(.streaming) table').waitFor({ timeout: 30_000 });
    await sendMessage(page(), 'Add a line to NOTES.md');
    await chat.locator('.tool-card.needs-approval', { hasText: 'write_file' }).waitFor({ timeout: 30_000 });
    const head = chat.locator('.section-head[data-action="toggle-triggers"]');
    if ((await head.getAttribute('aria-expanded')) !== 'true') await head.click();
    await chat.locator('.webhook-url').waitFor();
  });

  const totals: Record<string, Record<string, number>> = {};
  after(() => {
    // The figures the issue asks for: axe counts per theme.
    for (const [theme, counts] of Object.entries(totals))
      console.log(`      axe ${theme}: ${JSON.stringify(counts)}`);
  });

  for (const [label, bodyClass] of THEMES) {
    it(`is readable and has no serious or critical axe violations in ${label}`, async function () {
      this.timeout(90_000);
      setTheme(folder, label);
      const chat = chatFrame(page());
      await waitUntil(`the chat to take the ${label} theme`, async () =>
        (await chat.locator('body').getAttribute('class'))?.split(/\s+/).includes(bodyClass),
      );
      // Inline code, a code block's tokens and the webhook URL against what is behind them.
      for (const selector of [
        '.md p code',
        '.code-block .hljs-keyword',
        '.code-block .hljs-string',
        '.webhook-url',
      ]) {
        const { fg, bg } = await chat
          .locator(selector)
          .first()
          .evaluate((el: PageElement) => {
            let bgEl: PageElement | null = el;
            let bg = 'rgba(0, 0, 0, 0)';
            while (bgEl && /rgba\(.*, 0\)$|transparent/.test(bg)) {
              bg = getComputedStyle(bgEl).backgroundColor;
              bgEl = bgEl.parentElement;
            }
            return { fg: getComputedStyle(el).color, bg };
          });
        const ratio = contrast(fg, bg);
        assert.ok(
          ratio >= 4.5,
          `${label}: ${selector} is ${fg} on ${bg} (contrast ${ratio.toFixed(2)}, needs 4.5)`,
        );
      }
      await snap(page(), this, 'chat');
      const violations: AxeViolation[] = await runAxe(await chatDocumentFrame(page()));
      totals[label] = countByImpact(violations);
      console.log(`      axe ${label}: ${JSON.stringify(totals[label])}`);
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(
        bad.map((v) => `${v.impact} ${v.id} (${v.nodes}×: ${v.targets.join(', ')}): ${v.summary}`),
        [],
        `${label}: axe found serious or critical violations`,
      );
    });
  }
});
