/**
 * The direction of imports (../shared/style.md): runbooks/ innermost; graphs/ may use runbooks/;
 * notifiers/ and webhooks/ adapt the outside world and never import bot/, each other, or a sibling
 * folder; bot/ is the composition root and only test/ imports it. No cycles anywhere.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'runbooks-are-innermost',
      severity: 'error',
      from: { path: '^runbooks/' },
      to: { path: '^(bot|graphs|notifiers|webhooks|test)/' },
    },
    {
      name: 'graphs-use-only-runbooks',
      severity: 'error',
      from: { path: '^graphs/' },
      to: { path: '^(bot|notifiers|webhooks|test)/' },
    },
    {
      name: 'adapters-stay-outside',
      comment: 'notifiers/ and webhooks/ never import bot/ or each other',
      severity: 'error',
      from: { path: '^(notifiers|webhooks)/' },
      to: { path: '^(bot|test)/' },
    },
    {
      name: 'notifiers-do-not-import-webhooks',
      severity: 'error',
      from: { path: '^notifiers/' },
      to: { path: '^webhooks/' },
    },
    {
      name: 'webhooks-do-not-import-notifiers',
      severity: 'error',
      from: { path: '^webhooks/' },
      to: { path: '^notifiers/' },
    },
    {
      name: 'sibling-adapters-stay-apart',
      comment: 'code two platforms or sources both need moves inward',
      severity: 'error',
      from: { path: '^(notifiers|webhooks)/([^/]+)/' },
      to: { path: '^$1/', pathNot: ['^$1/$2/', '^$1/[^/]+\\.ts$'] },
    },
    {
      name: 'only-tests-import-bot',
      severity: 'error',
      from: { pathNot: '^(bot|test)/' },
      to: { path: '^bot/' },
    },
    {
      name: 'only-entry-points-import-the-composition-root',
      comment:
        'bot/runtime/ wires everything together; a lower room importing it would point upward. ' +
        'Only the entry points (main, the steward command, the demo) and tests start it.',
      severity: 'error',
      from: { path: '^bot/', pathNot: ['^bot/runtime/', '^bot/main[.]ts$', '^bot/cli/', '^bot/demo/'] },
      to: { path: '^bot/runtime/' },
    },
    {
      name: 'the-program-imports-only-dependencies',
      comment:
        'The image installs dependencies only (npm ci --omit=dev), so the program may not import a devDependency. ' +
        'The steward command loads tsx only beside the sources, in a checkout.',
      severity: 'error',
      from: { pathNot: ['^test/', '^bot/cli/steward[.]mjs$'] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
