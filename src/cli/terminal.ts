/**
 * Text from files or the model printed to a terminal: control characters (ESC sequences that move the
 * cursor, rewrite the title or the clipboard, BEL, backspace…) are shown escaped, never executed.
 * Newlines and tabs stay, for multi-line messages.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function safeText(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
