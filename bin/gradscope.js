#!/usr/bin/env node
// The CLI runs the bundle that `npm ci` builds (the package's prepare script).
const { main } = require('../dist/cli.js');
process.exitCode = main(process.argv.slice(2));
