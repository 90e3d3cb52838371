/** A report chat asks for by name: `status` now, `weekly` on demand. */
export interface Report {
  title: string;
  body: string;
}

/**
 * The commands that are not answers: what `status` and `weekly` produce. Chat starts before the
 * parts that know the answers (models, schedules), so the runtime fills these in once those exist.
 */
export interface ChatCommands {
  status(): Promise<Report>;
  /** Unset until reports run; chat then says the report is not available. */
  weekly?(): Promise<Report>;
}
