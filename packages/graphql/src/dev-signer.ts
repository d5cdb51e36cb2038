import { createHash, randomUUID } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAcsIdentityError } from '@acs-identity/core';
import { narrowIfPresent, privateDir } from '@acs-identity/core/server';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { GatewayError, toGatewayError } from './errors.js';

/** Issuer and audience of tokens minted by the development sign-in. */
export const DEV_ISSUER = 'urn:acs-identity:gateway:dev';
export const DEV_AUDIENCE = 'acs-identity-gateway';
/** The file in the data folder that keeps the development signing key, so dev sign-ins survive a restart. */
export const DEV_KEY_FILE = 'gateway-dev-key.json';
const DEV_TOKEN_LIFETIME_SECONDS = 3600;
const DEV_USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/** The development sign-in: signs tokens for demo users and verifies them. */
export interface DevSigner {
  /** A token for `user` (1–64 of `A–Z a–z 0–9 . _ -`), valid for an hour; throws `BAD_USER_INPUT` otherwise. */
  sign(user: unknown): Promise<{ token: string; expiresOn: Date }>;
  /** The verified claims of a development token; throws jose's errors. */
  verify(token: string, currentDate: Date): Promise<JWTPayload>;
}

/** A stable GUID-shaped object id for a development user, so Teams-style checks have something to compare. */
function devObjectId(name: string): string {
  const hex = createHash('sha256').update(`acs-identity-dev-user:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Writes `text` to `file` (0600) unless it exists; whoever writes first wins, and nobody reads half a file. */
function writeOnce(file: string, text: string): void {
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(temporary);
  }
}

/**
 * The development signing key of `dataDir` (`gateway-dev-key.json`, 0600, in a folder narrowed to 0700): read when a
 * previous start wrote it, otherwise generated and written. Keeping it means a restarted gateway still accepts the dev
 * sign-ins it handed out.
 */
async function devPrivateJwk(dataDir: string): Promise<JWK> {
  const file = join(dataDir, DEV_KEY_FILE);
  try {
    privateDir(dataDir);
    narrowIfPresent(file);
    return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch (e) {
    // A folder or key file this process may not narrow, or a key file that is a symbolic link: core's own words.
    if (isAcsIdentityError(e)) throw toGatewayError(e);
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new GatewayError(
        'INVALID_OPTIONS',
        `The development signing key ${file} cannot be read; delete it to have a new one made (every dev sign-in then ends).`,
        { cause: e, field: 'dataDir' },
      );
    }
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig' };
  writeOnce(file, `${JSON.stringify(jwk)}\n`);
  // Another gateway on the same folder may have written first: use what is on disk.
  return JSON.parse(readFileSync(file, 'utf8')) as JWK;
}

/** The development signer of a gateway whose data folder is `dataDir`. */
export async function createDevSigner(dataDir: string, now: () => number): Promise<DevSigner> {
  const privateJwk = await devPrivateJwk(dataDir);
  const publicJwk: JWK = Object.fromEntries(
    Object.entries(privateJwk).filter(([name]) => !(PRIVATE_MEMBERS as readonly string[]).includes(name)),
  );
  const kid = `dev-${await calculateJwkThumbprint(publicJwk)}`;
  const privateKey = await importJWK(privateJwk, 'RS256');
  const publicKey = await importJWK(publicJwk, 'RS256');
  return {
    async sign(user) {
      if (typeof user !== 'string' || !DEV_USER_NAME.test(user)) {
        throw new GatewayError(
          'BAD_USER_INPUT',
          'Send {"user":"<name>"} with a name of 1 to 64 letters, digits, ".", "_" or "-", e.g. {"user":"alice"}.',
          { field: 'user' },
        );
      }
      const iat = Math.floor(now() / 1000);
      const exp = iat + DEV_TOKEN_LIFETIME_SECONDS;
      const token = await new SignJWT({ name: user, preferred_username: user, oid: devObjectId(user) })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(user)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(randomUUID())
        .sign(privateKey);
      return { token, expiresOn: new Date(exp * 1000) };
    },
    async verify(token, currentDate) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp'],
        currentDate,
      });
      return payload;
    },
  };
}
