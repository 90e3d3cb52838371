/**
 * Who may answer, per platform: numbers, account UUIDs, user ids or usernames. Usernames compare
 * without case or a leading @; the person at Steward's own terminal (the shell) owns the machine.
 */
export function createApproverCheck(approvers: Readonly<Record<string, readonly string[]>>) {
  const allowed = new Map(
    Object.entries(approvers).map(([platform, ids]) => [platform, new Set(ids.map(normalizeId))]),
  );
  return (platform: string, identities: readonly string[]): boolean => {
    if (platform === 'shell') return true;
    const ids = allowed.get(platform);
    return ids !== undefined && identities.some((id) => ids.has(normalizeId(id)));
  };
}

export type ApproverCheck = ReturnType<typeof createApproverCheck>;

function normalizeId(id: string): string {
  return id.trim().replace(/^@/, '').toLowerCase();
}
