import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTypes } from './generate-types-lib.js';

const root = process.cwd();
for (const [path, text] of await generateTypes(root)) {
  await writeFile(join(root, path), text);
  console.log(`wrote ${path}`);
}
