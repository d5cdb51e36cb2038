// Stops `npm install`, `npm start` and `npm test` on a Node.js older than the project supports, with one line that says
// what was found, what is needed and how to get it. CommonJS and old syntax on purpose: it must run on any Node.
'use strict';
var wanted = [22, 12];
var found = process.versions.node.split('.').map(Number);
if (found[0] < wanted[0] || (found[0] === wanted[0] && found[1] < wanted[1])) {
  process.stderr.write(
    'acs-identity needs Node.js >= ' +
      wanted.join('.') +
      ' (Node 24 LTS recommended), but this is Node ' +
      process.versions.node +
      ' (' +
      process.execPath +
      '). Get Node 24 with `nvm install 24`, from https://nodejs.org/,' +
      ' or on Linux x64 from the npm registry with `eval "$(bash scripts/node.sh)"`, then run the command again.\n',
  );
  process.exit(1);
}
