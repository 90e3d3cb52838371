/**
 * How far a request body may nest and spread. JSON.parse builds all of a body in one go on the event
 * loop, and what it costs grows with the elements and the distinct keys in it, not only with its bytes:
 * measured on Node 20, 1 MB of 500,000-level nesting took 0.8 s to parse, and 1 MB of objects whose keys
 * never repeat 0.1–0.3 s (V8 makes a hidden class per new key). Real deliveries stay far inside these
 * limits: the fixtures nest at most 8 levels, the largest (a GitHub pull request) has 501 elements and 150
 * distinct keys, and a storm of 1,000 real Alertmanager alerts (938 kB) has 16,000 members.
 */
export interface BodyShapeLimits {
  /** Arrays and objects inside each other. */
  depth: number;
  /** Array elements and object members, counted over the whole body (`[[], {"a": 1}]` has three). */
  elements: number;
  /** Distinct object keys (or form fields) in the whole body. */
  keys: number;
}

export type ShapeViolation = keyof BodyShapeLimits;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const AMPERSAND = 0x26;
const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

export interface ShapeScanner {
  /** The first limit the body read so far exceeds, else undefined. Chunks may split anything. */
  push(chunk: Buffer): ShapeViolation | undefined;
}

/**
 * Reads JSON text chunk by chunk as it arrives, before anything parses it, keeping only what the limits
 * need: the open containers, whether a container's first member is still to come, whether the next
 * string is a key, and the keys seen. It does not validate JSON (JSON.parse does that after); it works
 * on bytes, since every byte it looks at is ASCII and no byte of a multi-byte UTF-8 character is. One
 * loop, no recursion, constant work per byte.
 */
export function createJsonShapeScanner(limits: BodyShapeLimits): ShapeScanner {
  /** One entry per open container: true for an object. */
  const open: boolean[] = [];
  const keys = new Set<string>();
  let members = 0;
  let inString = false;
  let escaped = false;
  let firstMember = false;
  let expectKey = false;
  let inKey = false;
  let partialKey = '';

  return {
    push(chunk) {
      let keyStart = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            inString = false;
            if (inKey) {
              inKey = false;
              // latin1 maps bytes one to one: distinct bytes stay distinct keys.
              keys.add(partialKey + chunk.toString('latin1', keyStart, i));
              partialKey = '';
              if (keys.size > limits.keys) return 'keys';
            }
          }
          continue;
        }
        if (firstMember) {
          if (byte === SPACE || byte === TAB || byte === NEWLINE || byte === RETURN) continue;
          firstMember = false;
          // `[]` and `{}` have no members; anything else after the opener is the first.
          if (byte !== CLOSE_BRACE && byte !== CLOSE_BRACKET && ++members > limits.elements) return 'elements';
        }
        switch (byte) {
          case QUOTE:
            inString = true;
            if (expectKey) {
              inKey = true;
              expectKey = false;
              keyStart = i + 1;
            }
            break;
          case OPEN_BRACE:
          case OPEN_BRACKET:
            open.push(byte === OPEN_BRACE);
            if (open.length > limits.depth) return 'depth';
            firstMember = true;
            expectKey = byte === OPEN_BRACE;
            break;
          case CLOSE_BRACE:
          case CLOSE_BRACKET:
            open.pop();
            expectKey = false;
            break;
          case COMMA:
            if (++members > limits.elements) return 'elements';
            expectKey = open.at(-1) === true;
            break;
        }
      }
      if (inKey) partialKey += chunk.toString('latin1', keyStart);
      return undefined;
    },
  };
}

/** A form body (`a=1&b=2`) is flat: only its fields are counted, as keys. */
export function createFormShapeScanner(limits: BodyShapeLimits): ShapeScanner {
  let fields = 1;
  return {
    push(chunk) {
      for (let i = chunk.indexOf(AMPERSAND); i >= 0; i = chunk.indexOf(AMPERSAND, i + 1)) {
        if (++fields > limits.keys) return 'keys';
      }
      return undefined;
    },
  };
}

export function describeViolation(violation: ShapeViolation, limits: BodyShapeLimits): string {
  switch (violation) {
    case 'depth':
      return `body nests deeper than ${limits.depth} levels`;
    case 'elements':
      return `body has more than ${limits.elements} array elements and object members in all`;
    case 'keys':
      return `body has more than ${limits.keys} distinct keys or form fields`;
  }
}
