import { isUtf8 } from 'node:buffer';

/**
 * Folder names that are not valid UTF-8 (Linux allows any bytes but `/` and NUL). Node decodes them
 * lossily (U+FFFD), so the decoded name reaches no file; such a folder is kept by its raw bytes and
 * shown with each invalid byte escaped as `\xNN`. Hive (Python) lists them through os.listdir's
 * surrogate escapes (Hive: core/framework/server/session_manager.py, list_cold_sessions).
 */
export function isUtf8Name(raw: Buffer): boolean {
  return isUtf8(raw);
}

/** The name with its valid UTF-8 kept and every byte that is not part of it written `\xNN`. */
export function escapeRawName(raw: Buffer): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const b = raw[i]!;
    const n =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    const seq = n > 0 && i + n <= raw.length ? raw.subarray(i, i + n) : undefined;
    if (seq && isUtf8(seq)) {
      out += seq.toString('utf8');
      i += n;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}
