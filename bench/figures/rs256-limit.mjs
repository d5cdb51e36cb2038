// The physical limit of issuing signed tokens: RS256 signatures per second in one process with node:crypto.
import { generateKeyPairSync, sign } from 'node:crypto';

/** Signs a token-sized payload for `durationMs` and returns signatures per second. */
export function measureRs256PerSecond(durationMs) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k', x5t: 'k', typ: 'JWT' })).toString(
    'base64url',
  );
  let count = 0;
  const deadline = performance.now() + durationMs;
  while (performance.now() < deadline) {
    for (let i = 0; i < 20; i += 1) {
      const claims = Buffer.from(
        JSON.stringify({
          skypeid: `acs:00000000-0000-0000-0000-000000000000_${count}`,
          scp: 1792,
          csi: '1700000000',
          exp: 1700086400,
          acsScope: 'chat,voip',
          resourceId: '00000000-0000-0000-0000-000000000000',
          resourceLocation: 'unitedstates',
          iat: 1700000000,
        }),
      ).toString('base64url');
      sign('sha256', Buffer.from(`${header}.${claims}`), privateKey);
      count += 1;
    }
  }
  return count / (durationMs / 1000);
}
