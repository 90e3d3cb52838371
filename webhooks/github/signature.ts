import { Webhooks } from '@octokit/webhooks';

/**
 * GitHub signs each delivery: `X-Hub-Signature-256: sha256=<HMAC-SHA256(secret, raw body)>`
 * (../shared/specs/github-renovate.md §1). @octokit/webhooks checks it in constant time over the raw
 * bytes as received, never over re-serialised JSON.
 */
export function createSignatureCheck(secret: string): (rawBody: string, signature: string | undefined) => Promise<boolean> {
  const webhooks = new Webhooks({ secret });
  return async (rawBody, signature) => {
    if (!signature || !signature.startsWith('sha256=')) return false;
    try {
      return await webhooks.verify(rawBody, signature);
    } catch {
      // A malformed signature (odd length, not hex) is a wrong one.
      return false;
    }
  };
}
