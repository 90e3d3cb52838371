import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { fakeTerminal } from '../helpers/fake-terminal.ts';
import { fixture } from '../helpers/fixtures.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

const GRAFANA_TOKEN = 'grafana-contact-point-token-0123';
const UPTIME_KUMA_TOKEN = 'uptime-kuma-webhook-token-0123';
/** Written in STEWARD_CONFIG itself (not through a variable): it must be redacted all the same. */
const BACKUP_TOKEN = 'backup-hook-literal-token-0123456';

/**
 * Each new source from its real payload to a question in chat, through the whole service (config,
 * routes, intake, flow, shell channel): Grafana's docs sample, Uptime Kuma's down beat, and a generic
 * webhook mapped in STEWARD_CONFIG. Their resolved deliveries close the incidents again.
 */
describe('Grafana, Uptime Kuma and generic webhooks end to end', () => {
  let runtime: Runtime;
  const steward = useTestRuntime('steward-sources-');
  const logs = captureLogs();
  const shell = fakeTerminal();

  beforeAll(async () => {
    runtime = await steward.start({
      config: [
        'webhooks:',
        '  generic:',
        '    backup:',
        `      token: ${BACKUP_TOKEN}`,
        '      title: $.job.title',
        '      dedupKey: $.job.id',
        '      status: result',
        '      resolvedValues: [ok]',
        '      labels: { host: job.host }',
        '      staticLabels: { alertname: BackupFailed }',
        '      annotations: { summary: message }',
      ],
      env: { GRAFANA_TOKEN, UPTIME_KUMA_TOKEN },
      terminal: shell.terminal,
      logs,
    });
  });
  beforeEach(() => shell.clear());

  const post = (url: string, token: string, payload: unknown) =>
    runtime.app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { authorization: `Bearer ${token}` },
    });
  const liveIncidents = async (source: string) =>
    (
      await runtime.database.pool.query<{ id: string; title: string }>(
        'SELECT id, title FROM incidents WHERE source = $1 AND closed_at IS NULL',
        [source],
      )
    ).rows;

  async function closes(source: string): Promise<void> {
    await until(`the ${source} incident closed`, async () => (await liveIncidents(source)).length === 0, 15_000);
  }

  it('Grafana: the docs sample asks about the group, and its resolved twin closes it', async () => {
    const firing = await post('/webhooks/grafana', GRAFANA_TOKEN, fixture('grafana-webhook-firing.docs-sample.json'));
    expect(firing.statusCode, firing.body).toBe(200);
    await until('the question', () => shell.printed().includes('Is this a problem?'), 15_000);
    expect(shell.printed()).toMatch(/🔔 Issue detected: #\d+ High memory usage/);
    expect(await liveIncidents('grafana')).toHaveLength(1);

    expect(
      (
        await post(
          '/webhooks/grafana',
          GRAFANA_TOKEN,
          fixture('grafana-webhook-resolved.derived-from-docs-sample.json'),
        )
      ).statusCode,
    ).toBe(200);
    await closes('grafana');
  });

  it('Uptime Kuma: a down beat asks about the monitor, the up beat closes it', async () => {
    expect(
      (await post('/webhooks/uptime-kuma', UPTIME_KUMA_TOKEN, fixture('uptime-kuma-webhook-down.code-shape.json')))
        .statusCode,
    ).toBe(200);
    await until('the question', () => shell.printed().includes('Is this a problem?'), 15_000);
    expect(shell.printed()).toMatch(/🔔 Issue detected: #\d+ Nextcloud is down/);

    expect(
      (await post('/webhooks/uptime-kuma', UPTIME_KUMA_TOKEN, fixture('uptime-kuma-webhook-up.code-shape.json')))
        .statusCode,
    ).toBe(200);
    await closes('uptime-kuma');
  });

  it('a generic webhook: the mapped report asks about the job, a report of `ok` closes it', async () => {
    const report = fixture<Record<string, unknown>>('generic-webhook-backup-failed.example.json');
    expect((await post('/webhooks/generic/backup', BACKUP_TOKEN, report)).statusCode).toBe(200);
    await until('the question', () => shell.printed().includes('Is this a problem?'), 15_000);
    expect(shell.printed()).toMatch(/🔔 Issue detected: #\d+ Nightly backup of photos failed/);
    const [incident] = (await runtime.database.pool.query("SELECT labels FROM incidents WHERE source = 'generic'"))
      .rows as { labels: Record<string, string> }[];
    expect(incident!.labels).toEqual({ alertname: 'BackupFailed', host: 'nas' });

    expect((await post('/webhooks/generic/backup', BACKUP_TOKEN, { ...report, result: 'ok' })).statusCode).toBe(200);
    await closes('generic');
  });

  it('one incident, one question, when Grafana and Uptime Kuma both alert about the same service', async () => {
    // Grafana's sample, its rule labelled with the service the Uptime Kuma monitor is tagged with.
    const grafana = fixture<
      Record<string, unknown> & { commonLabels: Record<string, string>; alerts: { labels: Record<string, string> }[] }
    >('grafana-webhook-firing.docs-sample.json');
    grafana.groupKey = '{}:{service="nextcloud"}';
    grafana.commonLabels.service = 'nextcloud';
    for (const alert of grafana.alerts) alert.labels.service = 'nextcloud';
    expect((await post('/webhooks/grafana', GRAFANA_TOKEN, grafana)).statusCode).toBe(200);
    await until('the question', () => shell.printed().includes('Is this a problem?'), 15_000);
    expect(
      (
        await post('/webhooks/uptime-kuma', UPTIME_KUMA_TOKEN, fixture('uptime-kuma-webhook-down.code-shape.json'))
      ).json(),
    ).toMatchObject({ outcome: 'alerts_added' });

    const live = (
      await runtime.database.pool.query<{ source: string; firing: string }>(
        "SELECT i.source, (SELECT count(*) FROM alerts a WHERE a.incident_id = i.id AND a.status = 'firing') AS firing FROM incidents i WHERE i.closed_at IS NULL",
      )
    ).rows;
    expect(live).toEqual([{ source: 'grafana', firing: '3' }]);
    expect(shell.printed().split('Is this a problem?')).toHaveLength(2);

    // Each source resolves its own alerts; the incident closes when both have.
    expect(
      (
        await post('/webhooks/uptime-kuma', UPTIME_KUMA_TOKEN, fixture('uptime-kuma-webhook-up.code-shape.json'))
      ).json(),
    ).toMatchObject({ outcome: 'alerts_resolved' });
    const resolved = fixture<Record<string, unknown> & { commonLabels: Record<string, string> }>(
      'grafana-webhook-resolved.derived-from-docs-sample.json',
    );
    resolved.groupKey = grafana.groupKey;
    expect((await post('/webhooks/grafana', GRAFANA_TOKEN, resolved)).json()).toMatchObject({ outcome: 'resolved' });
    await closes('grafana');
  });

  it('refuses each route without its own token: another source’s token does not open it', async () => {
    const payloads: [string, string, unknown][] = [
      ['/webhooks/grafana', UPTIME_KUMA_TOKEN, fixture('grafana-webhook-firing.docs-sample.json')],
      ['/webhooks/uptime-kuma', GRAFANA_TOKEN, fixture('uptime-kuma-webhook-down.code-shape.json')],
      ['/webhooks/generic/backup', GRAFANA_TOKEN, fixture('generic-webhook-backup-failed.example.json')],
      ['/webhooks/generic/other', BACKUP_TOKEN, fixture('generic-webhook-backup-failed.example.json')],
    ];
    for (const [url, token, payload] of payloads) expect((await post(url, token, payload)).statusCode, url).toBe(401);
  });

  it('keeps the generic token written in STEWARD_CONFIG out of every log line', async () => {
    // A line that carries it, as a careless error message might.
    runtime.logger.warn({ header: `Bearer ${BACKUP_TOKEN}` }, 'a line with the token in it');
    await until('the line logged', () => logs.text().includes('a line with the token in it'));
    expect(logs.text()).not.toContain(BACKUP_TOKEN);
    expect(logs.text()).not.toContain(GRAFANA_TOKEN);
    expect(logs.text()).not.toContain(UPTIME_KUMA_TOKEN);
  });
});
