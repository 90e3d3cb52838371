export interface ApplicationId {
  cluster: string | null;
  namespace: string;
  kind: string;
  name: string;
}

/**
 * Coroot's application id: `<cluster>:<namespace>:<Kind>:<name>` since v1.17, `<namespace>:<Kind>:<name>`
 * before. Names of external services may themselves contain `:`, so the name is everything after the
 * kind (mirrors Coroot's model/application_id.go).
 */
export function parseApplicationId(value: string): ApplicationId {
  const parts = value.split(':');
  const kindAt = parts.findIndex((part, index) => index > 0 && /^[A-Z]/.test(part));
  if (kindAt === 2 && parts.length >= 4) {
    return { cluster: parts[0]!, namespace: parts[1]!, kind: parts[2]!, name: parts.slice(3).join(':') };
  }
  if (kindAt === 1 && parts.length >= 3) {
    return { cluster: null, namespace: parts[0]!, kind: parts[1]!, name: parts.slice(2).join(':') };
  }
  return { cluster: null, namespace: '', kind: '', name: value };
}
