/** Labels that name one instance of a thing (a pod, an address) rather than the thing itself. */
const volatile = new Set([
  'pod',
  'pod_name',
  'pod_ip',
  'instance',
  'container_id',
  'id',
  'uid',
  'endpoint',
  'image_id',
]);

/**
 * What "the same alert" means, for a runbook's trigger and for an owner's "No, expected": the
 * incident's common labels without the ones that change from one occurrence to the next, in a stable
 * order, and that as a key. Pure.
 */
export function stableLabels(labels: Readonly<Record<string, string>>): {
  key: string;
  labels: Record<string, string>;
} {
  const stable = Object.fromEntries(
    Object.entries(labels)
      .filter(([name]) => !volatile.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return { key: JSON.stringify(stable), labels: stable };
}
