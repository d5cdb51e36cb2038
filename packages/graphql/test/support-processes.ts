// The built gateway (`dist/main.js --dev`) as a child process, configured through its environment only, as a
// deployment runs it: for the suites that kill it (crash-safety) or run several side by side (identity-mapping).
import { fileURLToPath } from 'node:url';
import { type NodeChild, spawnNodeScript } from '@acs-identity/testing';

export const MAIN_JS = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A gateway process and the URL it listens on. */
export interface GatewayProcess extends NodeChild<string> {
  url: string;
}

/**
 * Starts the built gateway in development mode with `env` over this process's environment without its own
 * `GATEWAY_*`, `AZURE_*` and `ACS_IDENTITY_*` variables (so nothing leaks in), on a free port; resolves once it listens.
 */
export async function spawnGateway(
  env: Record<string, string>,
  onExit?: (output: string) => void,
): Promise<GatewayProcess> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !name.startsWith('GATEWAY_') && !name.startsWith('AZURE_') && !name.startsWith('ACS_IDENTITY_'),
    ),
  );
  const gateway = await spawnNodeScript(MAIN_JS, ['--dev'], {
    name: 'gateway',
    env: { ...clean, NODE_ENV: 'test', GATEWAY_PORT: '0', ...env },
    ready: (out) => {
      const line = out.split('\n').find((l) => l.includes('"gateway listening"'));
      return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url;
    },
    ...(onExit === undefined ? {} : { onExit }),
  });
  return { ...gateway, url: gateway.ready };
}
