import { writeFileSync } from 'node:fs';
import { renderCoverage } from './generate-coverage-lib.js';

writeFileSync('docs/coverage.md', renderCoverage(process.cwd()));
console.log('wrote docs/coverage.md');
