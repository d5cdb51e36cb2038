/**
 * The emulator's endpoints: where it listens (emulator.json's `endpoint`, the connection strings), and the public
 * endpoint its documents and tokens name (the local Entra issuer's discovery document, its tokens' `iss`, ARM's
 * `hostName`). The public endpoint is the configured `publicEndpoint`, else where it listens; never a request's `Host`
 * header, which any client may set.
 */

/** The host clients should use: wildcard addresses (`0.0.0.0`, `::`, which also accepts IPv4) name 127.0.0.1. */
export function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** `https://<host>:<port>/` (or `http:`), with a trailing slash. */
export function listeningEndpoint(tls: boolean, host: string, port: number): string {
  return `${tls ? 'https' : 'http'}://${endpointHost(host)}:${port}/`;
}

/** The endpoint documents and tokens name: the configured one, else where the emulator listens once it does. */
export class PublicEndpoint {
  readonly #configured: string | undefined;
  readonly #beforeListening: string;
  #listening: string | undefined;

  constructor(configured: string | undefined, tls: boolean, host: string, port: number) {
    this.#configured = configured;
    // Mounted on another server (createEmulator without listen()) and without a configured one: the options' address.
    this.#beforeListening =
      port === 0 ? `${tls ? 'https' : 'http'}://${endpointHost(host)}/` : listeningEndpoint(tls, host, port);
  }

  /** Records where the emulator listens. */
  listening(endpoint: string): void {
    this.#listening = endpoint;
  }

  /** The base URL, with a trailing slash. */
  get url(): string {
    return this.#configured ?? this.#listening ?? this.#beforeListening;
  }
}
