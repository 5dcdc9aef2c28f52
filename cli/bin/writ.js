#!/usr/bin/env node
// The compiled CLI lives in dist/ (npm run build); this file only loads it.
import '../../dist/cli/run.js';
