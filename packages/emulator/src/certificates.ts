import { createHash, X509Certificate as NodeX509Certificate, randomBytes, webcrypto } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { EmulatorError } from './errors.js';
import { createExclusively, writeAtomically } from './files.js';
import { narrowFiles, ownerOnlyDir } from './private-files.js';

// @peculiar/x509 resolves its DI container through tsyringe, which needs the Reflect metadata polyfill.
async function x509(): Promise<typeof import('@peculiar/x509')> {
  await import('reflect-metadata');
  const lib = await import('@peculiar/x509');
  lib.cryptoProvider.set(webcrypto as never);
  return lib;
}

const RSA_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString('hex');
}

export interface GeneratedSigningKey {
  /** Upper-case hex SHA-1 thumbprint of the certificate, as the service's `kid`. */
  kid: string;
  /** base64url SHA-1 thumbprint, the JWT header's `x5t`. */
  x5t: string;
  privateKeyPem: string;
  certificatePem: string;
}

/** A fresh RSA-2048 token signing key with a self-signed certificate (for `kid`/`x5t`/`x5c`). */
export async function generateSigningKey(now: number): Promise<GeneratedSigningKey> {
  const lib = await x509();
  const keys = (await webcrypto.subtle.generateKey(RSA_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = await lib.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: 'CN=ACS Identity Emulator token signing',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    keys,
    extensions: [new lib.KeyUsagesExtension(lib.KeyUsageFlags.digitalSignature, true)],
  });
  const thumbprint = createHash('sha1').update(Buffer.from(cert.rawData)).digest();
  return {
    kid: thumbprint.toString('hex').toUpperCase(),
    x5t: thumbprint.toString('base64url'),
    privateKeyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    certificatePem: cert.toString('pem'),
  };
}

export interface TlsMaterial {
  /** Absolute path of the CA certificate clients must trust. */
  caCertFile: string;
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

/** Host names and addresses the server certificate always covers. */
export const DEFAULT_SERVER_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function certificateCovers(certPem: string, caPem: string, names: readonly string[], now: number): boolean {
  try {
    const cert = new NodeX509Certificate(certPem);
    const ca = new NodeX509Certificate(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (Date.parse(cert.validTo) - now < 30 * DAY_MS) return false;
    return names.every((name) => (isIP(name) ? cert.checkIP(name) : cert.checkHost(name)) !== undefined);
  } catch {
    return false;
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----\n?/g;

/** Splits a PEM bundle into its private key and its first certificate. */
function splitBundle(bundle: string | undefined): { keyPem: string; certPem: string } | undefined {
  if (!bundle) return undefined;
  const blocks = bundle.match(PEM_BLOCK) ?? [];
  const keyPem = blocks.find((b) => b.startsWith('-----BEGIN PRIVATE KEY-----'));
  const certPem = blocks.find((b) => b.startsWith('-----BEGIN CERTIFICATE-----'));
  return keyPem && certPem ? { keyPem, certPem } : undefined;
}

/**
 * Loads the local CA and server certificate from `<dir>`, creating them on first use; safe when several processes
 * start on one data folder at once. Files: `ca-key.pem` (CA key + certificate, created exclusively: the first
 * process wins), `ca.pem` (the CA certificate clients trust) and `server.pem` (server key + certificate, replaced
 * atomically). The server certificate is re-issued by the same CA when it does not cover `extraNames` or expires
 * within 30 days; a new CA is made only when it expires within 60 days.
 */
export async function loadOrCreateTlsMaterial(
  dir: string,
  extraNames: readonly string[],
  now: number,
): Promise<TlsMaterial> {
  const caCertFile = join(dir, 'ca.pem');
  const caBundleFile = join(dir, 'ca-key.pem');
  const serverFile = join(dir, 'server.pem');
  // The keys are for the owner only, also when another process made the folder or an older version the files.
  ownerOnlyDir(dir);
  narrowFiles(caBundleFile, serverFile);
  try {
    const names = [...new Set([...DEFAULT_SERVER_NAMES, ...extraNames])].filter(
      (n) => n !== '0.0.0.0' && n !== '::' && n !== '',
    );
    const lib = await x509();
    const subtle = webcrypto.subtle;

    let ca = splitBundle(await readIfPresent(caBundleFile));
    if (ca && Date.parse(new NodeX509Certificate(ca.certPem).validTo) - now < 60 * DAY_MS) {
      await rm(caBundleFile, { force: true });
      ca = undefined;
    }
    if (!ca) {
      const keys = (await subtle.generateKey(RSA_ALGORITHM, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const cert = await lib.X509CertificateGenerator.createSelfSigned({
        serialNumber: serialNumber(),
        name: `CN=ACS Identity Emulator local CA ${randomBytes(4).toString('hex')}, O=acs-identity`,
        notBefore: new Date(now - DAY_MS),
        notAfter: new Date(now + 3650 * DAY_MS),
        keys,
        extensions: [
          new lib.BasicConstraintsExtension(true, 0, true),
          new lib.KeyUsagesExtension(lib.KeyUsageFlags.keyCertSign | lib.KeyUsageFlags.cRLSign, true),
          await lib.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const fresh = {
        keyPem: pem('PRIVATE KEY', await subtle.exportKey('pkcs8', keys.privateKey)),
        certPem: cert.toString('pem').replace(/\n?$/, '\n'),
      };
      if (!(await createExclusively(caBundleFile, `${fresh.keyPem}${fresh.certPem}`, 0o600))) {
        ca = splitBundle(await readIfPresent(caBundleFile));
        if (!ca) throw new Error(`${caBundleFile} is not a PEM key and certificate`);
      } else {
        ca = fresh;
      }
    }
    const caCertPem = ca.certPem;
    if ((await readIfPresent(caCertFile)) !== caCertPem) await writeAtomically(caCertFile, caCertPem, 0o644);

    const existing = splitBundle(await readIfPresent(serverFile));
    if (existing && certificateCovers(existing.certPem, caCertPem, names, now)) {
      return { caCertFile, caCertPem, certPem: existing.certPem, keyPem: existing.keyPem };
    }
    const caCert = new lib.X509Certificate(caCertPem);
    const caKeyDer = Buffer.from(ca.keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const caPrivateKey = await subtle.importKey('pkcs8', caKeyDer, RSA_ALGORITHM, false, ['sign']);
    const caPublicKey = await caCert.publicKey.export(RSA_ALGORITHM, ['verify']);
    const serverKeys = (await subtle.generateKey(RSA_ALGORITHM, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const server = await lib.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: 'CN=localhost, O=acs-identity emulator',
      issuer: caCert.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      publicKey: serverKeys.publicKey,
      signingKey: caPrivateKey,
      extensions: [
        new lib.BasicConstraintsExtension(false, undefined, true),
        new lib.KeyUsagesExtension(
          lib.KeyUsageFlags.digitalSignature | lib.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new lib.ExtendedKeyUsageExtension([lib.ExtendedKeyUsage.serverAuth], false),
        new lib.SubjectAlternativeNameExtension(
          names.map((n) => ({ type: isIP(n) ? ('ip' as const) : ('dns' as const), value: n })),
          false,
        ),
        await lib.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
        await lib.AuthorityKeyIdentifierExtension.create(caPublicKey),
      ],
    });
    const certPem = server.toString('pem').replace(/\n?$/, '\n');
    const keyPem = pem('PRIVATE KEY', await subtle.exportKey('pkcs8', serverKeys.privateKey));
    // Another process may replace server.pem meanwhile: each keeps serving the pair it holds; both chain to the CA.
    await writeAtomically(serverFile, `${keyPem}${certPem}`, 0o600);
    return { caCertFile, caCertPem, certPem, keyPem };
  } catch (e) {
    throw new EmulatorError(
      'TLS_FAILED',
      `Could not load or create the emulator's TLS certificates in ${dir}: ${(e as Error).message}. ` +
        'Check that the data folder is writable, or delete its tls/ folder to start over.',
      { cause: e },
    );
  }
}
