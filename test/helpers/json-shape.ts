import type { BodyShapeLimits, ShapeViolation } from '../../bot/http/body-shape.ts';

export interface JsonShape {
  depth: number;
  /** Array elements and object members, in all. */
  members: number;
  /** Distinct object keys. */
  keys: number;
}

/**
 * What the body limits measure, computed the other way from the scanner in bot/http/body-shape.ts:
 * from the parsed value, by an explicit walk (JSON.parse itself does not recurse).
 */
export function shapeOf(value: unknown): JsonShape {
  let depth = 0;
  let members = 0;
  const keys = new Set<string>();
  const pending: { value: unknown; level: number }[] = [{ value, level: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (!next.value || typeof next.value !== 'object') continue;
    const level = next.level + 1;
    depth = Math.max(depth, level);
    const inner = Array.isArray(next.value) ? next.value : Object.values(next.value);
    if (!Array.isArray(next.value)) for (const key of Object.keys(next.value)) keys.add(key);
    members += inner.length;
    for (const item of inner) pending.push({ value: item, level });
  }
  return { depth, members, keys: keys.size };
}

/** The limits a value exceeds, if any. */
export function exceededLimits(value: unknown, limits: BodyShapeLimits): ShapeViolation[] {
  const shape = shapeOf(value);
  return [
    ...(shape.depth > limits.depth ? ['depth' as const] : []),
    ...(shape.members > limits.elements ? ['elements' as const] : []),
    ...(shape.keys > limits.keys ? ['keys' as const] : []),
  ];
}
