// Writes the JSON Schemas of the colony files to media/schemas/ (npm run schemas); see
// src/runtime/colony/colony-json-schemas.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { colonyJsonSchemas, schemaText } from '../src/runtime/colony/colony-json-schemas';

for (const [name, schema] of Object.entries(colonyJsonSchemas())) {
  const file = path.join('media', 'schemas', name);
  writeFileSync(file, schemaText(schema));
  console.log(`wrote ${file}`);
}
