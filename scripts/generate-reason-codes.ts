import { writeFileSync } from 'node:fs';
import { renderReasonCodes } from './generate-reason-codes-lib.js';

writeFileSync('docs/reason-codes.md', renderReasonCodes());
console.log('wrote docs/reason-codes.md');
