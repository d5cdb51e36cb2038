// Captures REAL output of the built CLI against a fresh local emulator and writes it into README.md between the
// example markers. Run after `npm run build`: `npm run examples`. JWTs are shortened for readability (marked `…`).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BEGIN = '<!-- BEGIN GENERATED EXAMPLES (npm run examples) -->';
const END = '<!-- END GENERATED EXAMPLES -->';
const bin = fileURLToPath(new URL('../bin/acs-identity.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'acs-cli-examples-'));
const empty = mkdtempSync(join(tmpdir(), 'acs-cli-examples-empty-'));
const env = { ...process.env, NO_COLOR: '1', COLUMNS: '110' };
for (const key of Object.keys(env)) if (/^(AZURE_|ACS_IDENTITY_)/.test(key)) delete env[key];

const shorten = (text) =>
  text.replace(/eyJ[\w-]{8}[\w-]*\.[\w-]+\.[\w-]*([\w-]{6})/g, (_m, tail) => `eyJhbGciOi…${tail}`);

function cli(args, { cwd = work, input = '', extraEnv = {} } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { ...env, ...extraEnv },
    input,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sections = [];
function show(title, shown, run, note) {
  const out = shorten(`${run.stderr}${run.stdout}`).trimEnd();
  const exit = run.code === 0 ? '' : `\n# exit code ${run.code}`;
  sections.push(
    `#### ${title}\n\n${note ? `${note}\n\n` : ''}\`\`\`console\n$ ${shown}\n${out}${exit}\n\`\`\``,
  );
}

// The emulator, started through the CLI itself.
const emulator = spawn(process.execPath, [bin, 'emulator', 'start', '--port', '0'], { cwd: work, env });
let emuOut = '';
let emuErr = '';
emulator.stderr.setEncoding('utf8').on('data', (d) => {
  emuErr += d;
});
await new Promise((resolve, reject) => {
  emulator.stdout.setEncoding('utf8').on('data', (d) => {
    emuOut += d;
    if (emuOut.endsWith('}\n')) resolve();
  });
  emulator.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${emuErr}`)));
});
const info = JSON.parse(emuOut);
const hideKey = (text) =>
  text
    .replaceAll(info.connectionString.split('accesskey=')[1], '<primary key>')
    .replaceAll(info.secondaryConnectionString.split('accesskey=')[1], '<secondary key>')
    .replaceAll(info.identityHeader ?? '<none>', '<identity header>')
    .replaceAll(work, '/home/me/project')
    .replace(/"pid": \d+/, '"pid": 12345');
sections.push(
  `#### Start the local emulator\n\nThe access keys below are replaced by placeholders; everything else is as printed.\n\n\`\`\`console\n$ acs-identity emulator start --port 0\n${hideKey(emuErr + emuOut).trimEnd()}\n\`\`\``,
);

show('Create a user (az shape)', 'acs-identity user create', cli(['user', 'create']));
show(
  'Create a user with a one-hour token in the same request',
  'acs-identity user create --scope chat voip --expires-in-minutes 60 --only-show-errors',
  cli(['user', 'create', '--scope', 'chat', 'voip', '--expires-in-minutes', '60', '--only-show-errors']),
);
show(
  'Create many users',
  'acs-identity user create --count 3 --query "[].rawId" -o tsv',
  cli(['user', 'create', '--count', '3', '--query', '[].rawId', '-o', 'tsv']),
  'The summary goes to stderr; on a terminal a progress bar is drawn while the users are created.',
);
show(
  'Create a user by your own id',
  'acs-identity user create --custom-id alice@contoso.com --scope voip --only-show-errors',
  cli(['user', 'create', '--custom-id', 'alice@contoso.com', '--scope', 'voip', '--only-show-errors']),
  'The same custom id gives back the same identity every time (api-version 2025-03-02-preview, chosen for it).',
);
const alice = cli([
  'user',
  'create',
  '--custom-id',
  'alice@contoso.com',
  '--query',
  'rawId',
  '-o',
  'tsv',
  '--only-show-errors',
]).stdout.trim();
show(
  'Show a user: its custom id and its last token',
  `acs-identity user show --user ${alice} --only-show-errors`,
  cli(['user', 'show', '--user', alice, '--only-show-errors']),
);
show(
  'An api-version without the operation is refused before any request (exit code 2)',
  `acs-identity user show --user ${alice} --api-version 2025-06-30`,
  cli(['user', 'show', '--user', alice, '--api-version', '2025-06-30']),
);
const user = cli(['user', 'create', '--query', 'rawId', '-o', 'tsv', '--only-show-errors']).stdout.trim();
show(
  'Issue a token (a new user too when `--user` is absent)',
  'acs-identity token issue --scope chat voip --only-show-errors',
  cli(['token', 'issue', '--scope', 'chat', 'voip', '--only-show-errors']),
);
show(
  'Issue a token for an existing user; pick fields for a table',
  `acs-identity token issue --scope voip.join --user ${user} --expires-in-minutes 60 --query "{User: user_id, Expires: expires_on}" -o table --only-show-errors`,
  cli([
    'token',
    'issue',
    '--scope',
    'voip.join',
    '--user',
    user,
    '--expires-in-minutes',
    '60',
    '--query',
    '{User: user_id, Expires: expires_on}',
    '-o',
    'table',
    '--only-show-errors',
  ]),
);
show(
  'YAML output',
  `acs-identity token issue --scope chat --user ${user} -o yaml --only-show-errors`,
  cli(['token', 'issue', '--scope', 'chat', '--user', user, '-o', 'yaml', '--only-show-errors']),
);
const token = cli([
  'token',
  'issue',
  '--scope',
  'chat',
  'voip',
  '--user',
  user,
  '--query',
  'token',
  '-o',
  'tsv',
  '--only-show-errors',
]).stdout;
show(
  'Decode a token (offline, not verified)',
  `acs-identity token issue --scope chat voip --user ${user} --query token -o tsv | acs-identity token decode`,
  cli(['token', 'decode'], { input: token }),
);
show(
  'Revoke without a terminal and without --yes',
  `acs-identity token revoke --user ${user} < /dev/null`,
  cli(['token', 'revoke', '--user', user]),
  'On a terminal the command asks `[y/N]` instead.',
);
show(
  'Revoke',
  `acs-identity token revoke --user ${user} --yes`,
  cli(['token', 'revoke', '--user', user, '--yes']),
);
show(
  'Delete',
  `acs-identity user delete --user ${user} --yes`,
  cli(['user', 'delete', '--user', user, '--yes']),
);
show(
  'A deleted user is not found (exit code 3)',
  `acs-identity token issue --scope chat --user ${user}`,
  cli(['token', 'issue', '--scope', 'chat', '--user', user]),
);
show(
  'A mistake is caught before any request (exit code 2)',
  'acs-identity token issue --scope chat video',
  cli(['token', 'issue', '--scope', 'chat', 'video']),
);
show(
  'A misspelled word gets a suggestion, as az gives it (exit code 2)',
  'acs-identity tokn issue --scope chat',
  cli(['tokn', 'issue', '--scope', 'chat']),
);
show(
  'An invalid --query is refused before anything is done (exit code 2)',
  'acs-identity user create --count 5 --query "[].rawId[" -o tsv',
  cli(['user', 'create', '--count', '5', '--query', '[].rawId[', '-o', 'tsv']),
);
const another = cli(['user', 'create', '--query', 'rawId', '-o', 'tsv', '--only-show-errors']).stdout.trim();
show(
  'az’s deprecated issue-access-token still runs, with az’s warnings',
  `acs-identity issue-access-token --scope chat --userid ${another} --query user_id -o tsv`,
  cli(['issue-access-token', '--scope', 'chat', '--userid', another, '--query', 'user_id', '-o', 'tsv']),
);
show(
  'The emulator’s connection string, the way the az quickstart sets it',
  'AZURE_COMMUNICATION_CONNECTION_STRING="$(jq -r .connectionString .acs-identity/emulator.json)" acs-identity token issue --scope chat --query "{User: user_id, Expires: expires_on}" -o tsv',
  cli(['token', 'issue', '--scope', 'chat', '--query', '{User: user_id, Expires: expires_on}', '-o', 'tsv'], {
    extraEnv: { AZURE_COMMUNICATION_CONNECTION_STRING: info.connectionString },
  }),
  'Its CA is trusted where its `emulator.json` is found; the columns come in the order of the query.',
);
show(
  '--debug logs each request, with secrets redacted',
  'acs-identity token issue --scope chat --connection-string "$CS" --ca-cert .acs-identity/tls/ca.pem --debug -o none',
  (() => {
    const r = cli([
      'token',
      'issue',
      '--scope',
      'chat',
      '--connection-string',
      info.connectionString,
      '--ca-cert',
      info.caCertFile,
      '--debug',
      '-o',
      'none',
    ]);
    return { ...r, stderr: hideKey(r.stderr) };
  })(),
);
const appId = '0bd1f6a4-4d6f-4f0b-9a5e-1d4b3b6c1e11';
const objectId = '6f1e2d3c-1111-4222-8333-944455566677';
const entraToken = cli([
  'emulator',
  'entra',
  'token',
  '--teams-user',
  objectId,
  '--app',
  appId,
  '--query',
  'accessToken',
  '-o',
  'tsv',
]).stdout.trim();
show(
  'A Teams user token from the emulator’s local Entra issuer',
  `acs-identity emulator entra token --teams-user ${objectId} --app ${appId}`,
  cli(['emulator', 'entra', 'token', '--teams-user', objectId, '--app', appId]),
);
show(
  'Teams user token exchange',
  `acs-identity token get-for-teams-user --aad-token "$ENTRA_TOKEN" --client ${appId} --aad-user ${objectId}`,
  cli(['token', 'get-for-teams-user', '--aad-token', entraToken, '--client', appId, '--aad-user', objectId]),
);
show(
  'Teams user token exchange for another user (the token’s oid differs)',
  `acs-identity token get-for-teams-user --aad-token "$ENTRA_TOKEN" --client ${appId} --aad-user 11111111-2222-4333-8444-555555555555`,
  cli([
    'token',
    'get-for-teams-user',
    '--aad-token',
    entraToken,
    '--client',
    appId,
    '--aad-user',
    '11111111-2222-4333-8444-555555555555',
  ]),
);
const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
show(
  'Assign a Teams Phone extensibility (Teams Extension) user',
  `acs-identity teams-extension assignment set --tenant ${tenantId} --object-id ${objectId} --client-ids ${appId} --only-show-errors`,
  cli([
    'teams-extension',
    'assignment',
    'set',
    '--tenant',
    tenantId,
    '--object-id',
    objectId,
    '--client-ids',
    appId,
    '--only-show-errors',
  ]),
);
const mint = (args) =>
  cli(['emulator', 'entra', 'token', ...args, '--query', 'accessToken', '-o', 'tsv']).stdout.trim();
const extensionToken = mint(['--teams-extension-user', objectId, '--app', appId, '--tenant', tenantId]);
show(
  'Teams Extension user token exchange',
  `acs-identity token get-for-teams-extension-user --entra-token "$(acs-identity emulator entra token --teams-extension-user ${objectId} --app ${appId} --tenant ${tenantId} --query accessToken -o tsv)" --only-show-errors`,
  cli(['token', 'get-for-teams-extension-user', '--entra-token', extensionToken, '--only-show-errors']),
);
show(
  'An application the assignment does not list is refused (exit code 1)',
  `acs-identity token get-for-teams-extension-user --entra-token "$(acs-identity emulator entra token --teams-extension-user ${objectId} --app 11111111-2222-4333-8444-555555555555 --tenant ${tenantId} --query accessToken -o tsv)" --only-show-errors`,
  cli([
    'token',
    'get-for-teams-extension-user',
    '--entra-token',
    mint([
      '--teams-extension-user',
      objectId,
      '--app',
      '11111111-2222-4333-8444-555555555555',
      '--tenant',
      tenantId,
    ]),
    '--only-show-errors',
  ]),
);
show(
  'Assign every Entra ID user of a tenant',
  `acs-identity entra assignment set --object-id ${tenantId} --tenant ${tenantId} --principal-type tenant --client-ids ${appId} --only-show-errors`,
  cli([
    'entra',
    'assignment',
    'set',
    '--object-id',
    tenantId,
    '--tenant',
    tenantId,
    '--principal-type',
    'tenant',
    '--client-ids',
    appId,
    '--only-show-errors',
  ]),
);
show(
  'Entra ID user token exchange',
  `acs-identity token get-for-entra-user --entra-token "$(acs-identity emulator entra token --entra-user ${objectId} --app ${appId} --tenant ${tenantId} --scope VoIP VoIP.Join --query accessToken -o tsv)" --query "{User: user_id, Expires: expires_on}" -o table --only-show-errors`,
  cli([
    'token',
    'get-for-entra-user',
    '--entra-token',
    mint(['--entra-user', objectId, '--app', appId, '--tenant', tenantId, '--scope', 'VoIP', 'VoIP.Join']),
    '--query',
    '{User: user_id, Expires: expires_on}',
    '-o',
    'table',
    '--only-show-errors',
  ]),
);
show(
  'An expired Entra ID token is refused, saying when it expired (exit code 1)',
  `acs-identity token get-for-entra-user --entra-token "$(acs-identity emulator entra token --entra-user ${objectId} --app ${appId} --tenant ${tenantId} --expires-in 0 --query accessToken -o tsv)" --only-show-errors`,
  cli([
    'token',
    'get-for-entra-user',
    '--entra-token',
    mint(['--entra-user', objectId, '--app', appId, '--tenant', tenantId, '--expires-in', '0']),
    '--only-show-errors',
  ]),
);
show(
  'Grant a principal access for bearer (Entra ID) requests',
  `acs-identity emulator role assign --principal ${objectId}`,
  cli(['emulator', 'role', 'assign', '--principal', objectId]),
);
show(
  'The resource’s managed identities (ARM routes of the emulator)',
  'acs-identity resource identity assign -n acs -g rg --system-assigned',
  cli(['resource', 'identity', 'assign', '-n', 'acs', '-g', 'rg', '--system-assigned']),
);
show(
  'Parse a raw identifier',
  'acs-identity identifier parse 8:teamsvisitor:45ab2481-1c1c-4005-be24-0ffb879b1130',
  cli(['identifier', 'parse', '8:teamsvisitor:45ab2481-1c1c-4005-be24-0ffb879b1130']),
);
show(
  'Parse a phone number, as YAML',
  'acs-identity identifier parse 4:+112345556789_207ffef6 -o yaml',
  cli(['identifier', 'parse', '4:+112345556789_207ffef6', '-o', 'yaml']),
);
const nothing = cli(['user', 'create'], { cwd: empty });
show(
  'Nothing configured',
  'acs-identity user create',
  { ...nothing, stderr: nothing.stderr.replaceAll(empty, '/home/me/elsewhere') },
  'In a folder without `.acs-identity/emulator.json` and without the environment variables:',
);
const rotated = cli(['emulator', 'rotate-key', '--key', 'secondary']);
show('Rotate an emulator key', 'acs-identity emulator rotate-key --key secondary', {
  ...rotated,
  stdout: hideKey(rotated.stdout).replace(/accesskey=[^"]+/, 'accesskey=<new secondary key>'),
});

// The gateway on that emulator, started through the CLI too.
const gateway = spawn(process.execPath, [bin, 'gateway', 'start', '--port', '0', '--dev'], {
  cwd: work,
  env,
});
let gwOut = '';
let gwErr = '';
gateway.stderr.setEncoding('utf8').on('data', (d) => {
  gwErr += d;
});
await new Promise((resolve, reject) => {
  gateway.stdout.setEncoding('utf8').on('data', (d) => {
    gwOut += d;
    if (gwOut.endsWith('}\n')) resolve();
  });
  gateway.on('exit', (code) => reject(new Error(`gateway exited ${code}: ${gwErr}`)));
});
gateway.removeAllListeners('exit');
const gatewayClosed = new Promise((resolve) => gateway.on('close', resolve));
const gwStartErr = gwErr;
gateway.kill('SIGINT');
await gatewayClosed;
sections.push(
  `#### Start the GraphQL gateway on the local emulator\n\n\`\`\`console\n$ acs-identity gateway start --port 0 --dev\n${gwStartErr.trimEnd()}\n${gwOut.trimEnd()}\n^C\n${gwErr.slice(gwStartErr.length).trim()}\n\`\`\``,
);
sections.unshift(
  `#### Help\n\n\`\`\`console\n$ acs-identity --help\n${cli(['--help']).stdout.trimEnd()}\n\`\`\``,
);

emulator.removeAllListeners('exit');
const emulatorClosed = new Promise((resolve) => emulator.on('close', resolve));
emulator.kill('SIGINT');
await emulatorClosed;
sections.push(`#### Stop the emulator\n\n\`\`\`console\n^C\n${emuErr.trim().split('\n').at(-1)}\n\`\`\``);
rmSync(work, { recursive: true, force: true });
rmSync(empty, { recursive: true, force: true });

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const start = readme.indexOf(BEGIN);
const end = readme.indexOf(END);
if (start < 0 || end < start) throw new Error(`README.md lacks ${BEGIN} ... ${END}`);
writeFileSync(
  file,
  `${readme.slice(0, start + BEGIN.length)}\n\n${sections.join('\n\n')}\n\n${readme.slice(end)}`,
);
execFileSync(
  process.execPath,
  [
    fileURLToPath(new URL('../../../node_modules/@biomejs/biome/bin/biome', import.meta.url)),
    'format',
    '--write',
    fileURLToPath(file),
  ],
  { stdio: 'ignore' },
);
console.log(`README.md: ${sections.length} examples captured`);
