/**
 * The short help sent for `help` and for anything the grammar does not understand. `lead` is its first
 * line: chat says "Reply with:", Mattermost's slash command "Use /steward with:". Pure.
 */
export function helpText(lead = 'Reply with:'): string {
  return [
    lead,
    '• a number (1, 2, …) to run that option, or approve / yes',
    '• no or ignore: not a problem; snooze 2h (30m, 1d; default 1h)',
    '• details: more context; custom: <what to do> for your own instruction',
    '• add #14 to answer incident 14 when several are open',
    '• status, weekly, help; after a fix: auto, ask or investigate',
    '• approve PR 47, reject PR 47, defer PR 47 2d, details PR 47',
  ].join('\n');
}

/** `help`, or text the grammar does not understand: the same help under a title that says which. */
export function helpMessage(asked: 'help' | 'unknown'): { title: string; body: string } {
  return { title: asked === 'help' ? 'Steward help' : "🤔 I didn't understand that", body: helpText() };
}
