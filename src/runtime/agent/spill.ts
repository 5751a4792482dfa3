/**
 * Large tool results go to the session's `data/` folder; the model gets a preview and the file's path.
 * The pointer line follows Hive's wording ("Full result saved at: <abs path>") because Hive's pruning
 * finds spilled files by that phrase.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../storage/atomic';

/** Hive's LoopConfig default. */
export const DEFAULT_MAX_TOOL_RESULT_CHARS = 30_000;
const PREVIEW_CAP = 5000;

export interface SpillOptions {
  maxChars: number;
  /** The session's `data/` folder; without one, large results are truncated in place. */
  dataDir?: string;
}

export class Spiller {
  private counter: number | undefined;

  constructor(private readonly opts: SpillOptions) {}

  /** The content to put in the conversation for this result (unchanged when small). */
  async shape(toolName: string, content: string, isError: boolean): Promise<string> {
    const { maxChars, dataDir } = this.opts;
    if (maxChars <= 0 || content.length <= maxChars) return content;
    const preview = `${content.slice(0, Math.min(PREVIEW_CAP, Math.max(1, Math.floor(maxChars / 2))))}…`;
    const size = content.length.toLocaleString('en-US');
    if (isError || !dataDir)
      return `Tool \`${toolName}\` returned ${size} characters, too many for the context; only the start is kept.\n\n${preview}`;
    const file = path.join(dataDir, await this.nextName(toolName));
    await writeFileAtomically(file, content);
    return (
      `Tool \`${toolName}\` returned ${size} characters (too large for context). Full result saved at: ${file}\n` +
      `Read the complete data with read_file(path='${file}').\n\n` +
      `WARNING: the preview below is a sample only; do not draw counts, totals or conclusions from it.\n\n` +
      `Preview (truncated):\n${preview}`
    );
  }

  /** `<tool>_<n>.txt`, n continuing after the files already there (a resumed session keeps counting). */
  private async nextName(toolName: string): Promise<string> {
    if (this.counter === undefined) {
      this.counter = 0;
      for (const name of await readdir(this.opts.dataDir!).catch(() => [] as string[])) {
        const m = /_(\d+)\.txt$/.exec(name);
        if (m) this.counter = Math.max(this.counter, Number(m[1]));
      }
    }
    this.counter += 1;
    const short =
      toolName
        .replace(/^(tool_|mcp_)/, '')
        .replace(/[^A-Za-z0-9_.-]/g, '_')
        .slice(0, 60) || 'tool';
    return `${short}_${this.counter}.txt`;
  }
}
