/**
 * How many cases a property runs: the quick count in `npm test`, or FUZZ_RUNS (`npm run fuzz` sets
 * 10,000) for the long run.
 */
export function fuzzRuns(quick: number): number {
  const long = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(long) && long > 0 ? long : quick;
}
