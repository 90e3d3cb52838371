import type { Webhooks } from '@octokit/webhooks';

/**
 * GitHub signs each delivery: `X-Hub-Signature-256: sha256=<HMAC-SHA256(secret, raw body)>`
 * (../shared/specs/github-renovate.md §1). @octokit/webhooks checks it in constant time over the raw
 * bytes as received, never over re-serialised JSON.
 */
export function createSignatureCheck(
  secret: string,
): (rawBody: string, signature: string | undefined) => Promise<boolean> {
  // Loaded on the first delivery, so that a Steward with no GitHub webhook does not keep it resident.
  let webhooks: Promise<Webhooks> | undefined;
  return async (rawBody, signature) => {
    if (!signature || !signature.startsWith('sha256=')) return false;
    webhooks ??= import('@octokit/webhooks').then(({ Webhooks }) => new Webhooks({ secret }));
    try {
      return await (await webhooks).verify(rawBody, signature);
    } catch {
      // A malformed signature (odd length, not hex) is a wrong one.
      return false;
    }
  };
}
