// The floor for a whole-process listing: a bare Node script that lists the queens' session folders and
// stats each one, nothing else (no index, no parsing). Prints the count. Usage: node stat-floor.mjs HOME
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const queens = path.join(process.argv[2], 'queens');
let n = 0;
for (const q of readdirSync(queens)) {
  const sessions = path.join(queens, q, 'sessions');
  for (const s of readdirSync(sessions)) if (statSync(path.join(sessions, s)).isDirectory()) n++;
}
process.stdout.write(`${n}\n`);
