import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..', 'src', 'runtime');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

/** Module specifiers a file imports or re-exports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

describe('src/runtime knows nothing of the editor or the webview', () => {
  it('no runtime module imports vscode, src/shared (the panel protocol), src/extension or webview/', () => {
    const files = sources(ROOT);
    assert.ok(files.length > 50, `found ${files.length} runtime sources`);
    const offending: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        const target = spec.startsWith('.') ? path.resolve(path.dirname(file), spec) : spec;
        const outside =
          spec === 'vscode' ||
          (spec.startsWith('.') &&
            !target.startsWith(ROOT + path.sep) &&
            /[\\/](shared|extension|webview)([\\/]|$)/.test(target));
        if (outside) offending.push(`${path.relative(ROOT, file)} imports ${spec}`);
      }
    }
    assert.deepEqual(offending, []);
  });
});
