/** The short help sent for `help` and for anything the grammar does not understand. */
export function helpText(): string {
  return [
    'Reply with:',
    '• a number (1, 2, …) to run that option, or approve / yes',
    '• no or ignore: not a problem; snooze 2h (30m, 1d; default 1h)',
    '• details: more context; custom: <what to do> for your own instruction',
    '• add #14 to answer incident 14 when several are open',
    '• status, weekly, help; after a fix: auto, ask or investigate',
    '• approve PR 47, reject PR 47, defer PR 47 2d, details PR 47',
  ].join('\n');
}
