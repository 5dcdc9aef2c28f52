/** writ's version, shown by `writ --version` and recorded in reports; kept equal to package.json by a test. */
export const WRIT_VERSION = '0.1.0';
