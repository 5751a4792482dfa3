/**
 * A paste too long for one message is kept as a file in the session's `data/` folder (where large tool
 * results go too, see agent/spill.ts) and the message carries a line pointing at it, in the wording
 * Hive uses for spilled data ("… saved at: <abs path>").
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../storage/atomic';

const NAME = /^pasted_(\d+)\.txt$/;

export interface SavedPaste {
  file: string;
  /** The line the message carries instead of the text. */
  reference: string;
}

/** Writes `text` to `<sessionDir>/data/pasted_<n>.txt` (n after the pastes already there). */
export async function savePastedText(sessionDir: string, text: string): Promise<SavedPaste> {
  const dataDir = path.join(sessionDir, 'data');
  let n = 0;
  for (const name of await readdir(dataDir).catch(() => [] as string[])) {
    const m = NAME.exec(name);
    if (m) n = Math.max(n, Number(m[1]));
  }
  const file = path.join(dataDir, `pasted_${n + 1}.txt`);
  await writeFileAtomically(file, text);
  const size = text.length.toLocaleString('en-US');
  const lines = text.split('\n').length.toLocaleString('en-US');
  return {
    file,
    reference: `[Pasted text (${size} characters, ${lines} lines) saved at: ${file}]`,
  };
}
