/**
 * The PromQL expression of the rule that fired, from the alert's `generatorURL` (Prometheus links to
 * its graph page with the expression in `g0.expr`). Undefined for other links (Coroot, Grafana).
 */
export function alertExpression(generatorUrl: string | null | undefined): string | undefined {
  if (!generatorUrl) return undefined;
  try {
    const expr = new URL(generatorUrl).searchParams.get('g0.expr')?.trim();
    return expr ? expr : undefined;
  } catch {
    return undefined;
  }
}

/** `rate(x[5m]) > 0.5` or `x > bool 3`: a comparison with a number at the end. */
const TRAILING_THRESHOLD = /^(.+?)\s*(?:>=|<=|==|!=|>|<)\s*(?:bool\s+)?[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?\s*$/i;

/**
 * The series an alert's expression names, without its threshold: `node_load1 > 3` keeps only the
 * moments above 3, while `node_load1` shows how the value got there. An expression without a
 * trailing threshold is queried as it is.
 */
export function seriesOfExpression(expr: string): string {
  const match = TRAILING_THRESHOLD.exec(expr.trim());
  if (!match) return expr.trim();
  const left = match[1]!.trim();
  // `a > 3 and b` or unbalanced parentheses: not a plain "series > number", keep the whole.
  if (/\b(and|or|unless)\b/i.test(left) || count(left, '(') !== count(left, ')')) return expr.trim();
  return left;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
