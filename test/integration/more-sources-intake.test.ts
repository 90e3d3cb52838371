import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentChange } from '../../graphs/incident-changes.ts';
import { findFreePort } from '../../bot/db/free-port.ts';
import { createPool } from '../../bot/db/pool.ts';
import { createMigratedDatabase, databaseBackends, type MigratedDatabase } from '../helpers/databases.ts';
import { fixture } from '../helpers/fixtures.ts';
import { buildIntakeApp, GENERIC_TOKEN, TOKEN } from '../helpers/intake-app.ts';
import { silentLogger } from '../helpers/silent-logger.ts';

type Json = Record<string, unknown>;

/** Each new route, its token, and a real payload that opens an incident. */
const routes = [
  { url: '/webhooks/grafana', token: TOKEN, firing: () => fixture<Json>('grafana-webhook-firing.docs-sample.json') },
  {
    url: '/webhooks/uptime-kuma',
    token: TOKEN,
    firing: () => fixture<Json>('uptime-kuma-webhook-down.code-shape.json'),
  },
  {
    url: '/webhooks/generic/backup',
    token: GENERIC_TOKEN,
    firing: () => fixture<Json>('generic-webhook-backup-failed.example.json'),
  },
] as const;

/** A body made wrong in one field, and the field the 400 must name. */
const malformed: { url: string; token: string; name: string; body: () => unknown; field: RegExp }[] = [
  {
    url: '/webhooks/grafana',
    token: TOKEN,
    name: 'the Alertmanager version',
    body: () => ({ ...fixture<Json>('grafana-webhook-firing.docs-sample.json'), version: '4' }),
    field: /^version must be "1"/,
  },
  {
    url: '/webhooks/grafana',
    token: TOKEN,
    name: 'an alert without fingerprint',
    body: () => withAlert(fixture<Json>('grafana-webhook-firing.docs-sample.json'), { fingerprint: undefined }),
    field: /^alerts\[0\]\.fingerprint /,
  },
  {
    url: '/webhooks/grafana',
    token: TOKEN,
    name: 'no groupKey',
    body: () => ({ ...fixture<Json>('grafana-webhook-firing.docs-sample.json'), groupKey: undefined }),
    field: /^groupKey /,
  },
  {
    url: '/webhooks/uptime-kuma',
    token: TOKEN,
    name: 'an unknown heartbeat status',
    body: () => ({
      ...fixture<Json>('uptime-kuma-webhook-down.code-shape.json'),
      heartbeat: { ...(fixture<Json>('uptime-kuma-webhook-down.code-shape.json').heartbeat as Json), status: 7 },
    }),
    field: /^heartbeat\.status must be 0 \(down\)/,
  },
  {
    url: '/webhooks/uptime-kuma',
    token: TOKEN,
    name: 'a monitor without its id',
    body: () => ({ ...fixture<Json>('uptime-kuma-webhook-down.code-shape.json'), monitor: { name: 'Nextcloud' } }),
    field: /^monitor\.id /,
  },
  {
    url: '/webhooks/uptime-kuma',
    token: TOKEN,
    name: 'a heartbeat without its monitor',
    body: () => ({ ...fixture<Json>('uptime-kuma-webhook-down.code-shape.json'), monitor: null }),
    field: /^monitor is missing/,
  },
  {
    url: '/webhooks/generic/backup',
    token: GENERIC_TOKEN,
    name: 'the mapped dedup key missing',
    body: () => ({ ...fixture<Json>('generic-webhook-backup-failed.example.json'), job: { title: 'x' } }),
    field: /^job\.id is required/,
  },
  {
    url: '/webhooks/generic/backup',
    token: GENERIC_TOKEN,
    name: 'the mapped title an object',
    body: () => ({
      ...fixture<Json>('generic-webhook-backup-failed.example.json'),
      job: { id: 'j', title: { text: 'x' } },
    }),
    field: /^job\.title must be a string, number or boolean/,
  },
  {
    url: '/webhooks/generic/backup',
    token: GENERIC_TOKEN,
    name: 'a list for a body',
    body: () => [1, 2],
    field: /^\(body\) must be a JSON object/,
  },
];

function withAlert(body: Json, change: Json): Json {
  const alerts = body.alerts as Json[];
  return { ...body, alerts: [{ ...alerts[0], ...change }, ...alerts.slice(1)] };
}

for (const backend of databaseBackends()) {
  describe.skipIf(backend.skipReason !== undefined)(
    `Grafana, Uptime Kuma and generic intake on ${backend.name} PostgreSQL${backend.skipReason ? ` (skipped: ${backend.skipReason})` : ''}`,
    () => {
      let database: MigratedDatabase;
      let app: FastifyInstance;
      let changes: IncidentChange[];

      beforeAll(async () => {
        database = await createMigratedDatabase(backend.adminUrl!);
        ({ app, changes } = await buildIntakeApp(database.pool));
      });
      afterAll(async () => {
        await app?.close();
        await database?.close();
      });
      afterEach(async () => {
        changes.length = 0;
        // Each test starts without live incidents, so that one's incident is not another's repeat.
        await database.pool.query(
          "UPDATE incidents SET closed_at = now(), close_reason = 'test' WHERE closed_at IS NULL",
        );
      });

      const post = (url: string, body: unknown, headers: Record<string, string>) =>
        app.inject({ method: 'POST', url, payload: body as object, headers });
      const deliveries = async () =>
        Number((await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM deliveries')).rows[0]!.n);
      const live = async () =>
        (await database.pool.query('SELECT id, source, external_key, title FROM incidents WHERE closed_at IS NULL'))
          .rows as { id: string; source: string; external_key: string; title: string }[];

      describe('credentials', () => {
        for (const route of routes) {
          it(`${route.url}: refuses a missing or wrong token with 401 and stores nothing`, async () => {
            const before = await deliveries();
            for (const headers of [
              {},
              { authorization: 'Bearer wrong-token-0123456789ab' },
              { authorization: `Bearer ${route.token}x` },
              { authorization: route.token },
            ] as Record<string, string>[]) {
              const response = await post(route.url, route.firing(), headers);
              expect(response.statusCode, JSON.stringify(headers)).toBe(401);
              expect(response.body).not.toContain(route.token);
            }
            expect(await deliveries()).toBe(before);
            expect(changes).toEqual([]);
          });
        }

        it('/webhooks/generic/<name>: each name has its own token, and an unknown name is refused like a wrong token', async () => {
          const body = fixture<Json>('generic-webhook-backup-failed.example.json');
          // Another source's token does not open a generic webhook.
          expect((await post('/webhooks/generic/backup', body, { authorization: `Bearer ${TOKEN}` })).statusCode).toBe(
            401,
          );
          const unknown = await post('/webhooks/generic/nobody', body, { authorization: `Bearer ${GENERIC_TOKEN}` });
          expect(unknown.statusCode).toBe(401);
          expect(unknown.json().message).toBe('invalid credentials');
          expect(
            (await post('/webhooks/generic/__proto__', body, { authorization: `Bearer ${GENERIC_TOKEN}` })).statusCode,
          ).toBe(401);
        });

        it('without GRAFANA_TOKEN or UPTIME_KUMA_TOKEN, accepts loopback peers only', async () => {
          const open = await buildIntakeApp(database.pool, { credentials: { grafana: {}, 'uptime-kuma': {} } });
          try {
            for (const route of routes.slice(0, 2)) {
              const remote = await open.app.inject({
                method: 'POST',
                url: route.url,
                payload: route.firing(),
                remoteAddress: '192.168.1.20',
              });
              expect(remote.statusCode, route.url).toBe(401);
              expect(remote.json()).toMatchObject({ message: expect.stringContaining('loopback') });
            }
          } finally {
            await open.app.close();
          }
        });
      });

      describe('schema', () => {
        for (const { url, token, name, body, field } of malformed) {
          it(`${url}: answers 400 naming the field for ${name}, and stores nothing`, async () => {
            const before = await deliveries();
            const response = await post(url, body(), { authorization: `Bearer ${token}` });
            expect(response.statusCode, response.body).toBe(400);
            expect(response.json().message).toMatch(field);
            expect(await deliveries()).toBe(before);
          });
        }
      });

      describe('dedup', () => {
        for (const route of routes) {
          it(`${route.url}: the same delivery again is a 200 repeat, one incident, one hand-off`, async () => {
            const headers = { authorization: `Bearer ${route.token}` };
            const first = await post(route.url, route.firing(), headers);
            expect(first.statusCode, first.body).toBe(200);
            expect(first.json()).toMatchObject({ outcome: 'opened' });
            const again = await post(route.url, route.firing(), headers);
            expect(again.statusCode).toBe(200);
            expect(again.json()).toMatchObject({ outcome: 'repeat' });
            expect(await live()).toHaveLength(1);
            expect(changes.map((change) => change.kind)).toEqual(['opened']);
          });
        }

        it('/webhooks/grafana: the resolved twin closes the group, its repeat changes nothing', async () => {
          const headers = { authorization: `Bearer ${TOKEN}` };
          await post('/webhooks/grafana', fixture('grafana-webhook-firing.docs-sample.json'), headers);
          const resolved = fixture('grafana-webhook-resolved.derived-from-docs-sample.json');
          expect((await post('/webhooks/grafana', resolved, headers)).json()).toMatchObject({ outcome: 'resolved' });
          expect((await post('/webhooks/grafana', resolved, headers)).json()).toMatchObject({ outcome: 'repeat' });
          expect(await live()).toEqual([]);
          const alerts = (
            await database.pool.query(
              "SELECT fingerprint, annotations FROM alerts WHERE fingerprint = 'c6eadffa33fcdf37' ORDER BY id DESC LIMIT 1",
            )
          ).rows[0] as { annotations: Record<string, string> };
          // Grafana's silence link is kept with the alert; its empty dashboard and panel links are not.
          expect(alerts.annotations.silence_url).toMatch(/^https:\/\/play\.grafana\.org\/alerting\/silence\/new/);
          expect(alerts.annotations).not.toHaveProperty('dashboard_url');
        });

        it('/webhooks/uptime-kuma: the Test button and a pending beat are stored and answered 200, and open nothing', async () => {
          const headers = { authorization: `Bearer ${TOKEN}` };
          expect(
            (await post('/webhooks/uptime-kuma', fixture('uptime-kuma-webhook-test.code-shape.json'), headers)).json(),
          ).toMatchObject({ outcome: 'ignored: test notification' });
          const pending = fixture<Json>('uptime-kuma-webhook-down.code-shape.json');
          pending.heartbeat = { ...(pending.heartbeat as Json), status: 2 };
          expect((await post('/webhooks/uptime-kuma', pending, headers)).json()).toMatchObject({
            outcome: 'ignored: pending beat',
          });
          expect(await live()).toEqual([]);
        });

        it('/webhooks/uptime-kuma: a resend while down is a repeat; the up beat resolves', async () => {
          const headers = { authorization: `Bearer ${TOKEN}` };
          const down = fixture<Json>('uptime-kuma-webhook-down.code-shape.json');
          await post('/webhooks/uptime-kuma', down, headers);
          const resend = {
            ...down,
            heartbeat: {
              ...(down.heartbeat as Json),
              time: '2026-11-23 10:30:12.000',
              msg: 'Request failed with status code 503',
            },
          };
          expect((await post('/webhooks/uptime-kuma', resend, headers)).json()).toMatchObject({ outcome: 'repeat' });
          expect(
            (await post('/webhooks/uptime-kuma', fixture('uptime-kuma-webhook-up.code-shape.json'), headers)).json(),
          ).toMatchObject({ outcome: 'resolved' });
          const [incident] = (
            await database.pool.query(
              "SELECT labels, title FROM incidents WHERE source = 'uptime-kuma' ORDER BY id DESC LIMIT 1",
            )
          ).rows as { labels: Record<string, string>; title: string }[];
          expect(incident).toEqual({
            title: 'Nextcloud is down',
            labels: {
              alertname: 'MonitorDown',
              monitor: 'Nextcloud',
              monitor_id: '7',
              monitor_type: 'http',
              service: 'nextcloud',
              homelab: '',
              instance: 'https://cloud.home.example/status.php',
            },
          });
        });

        it('/webhooks/generic/backup: each job id is its own incident; the resolved value closes only its own', async () => {
          const headers = { authorization: `Bearer ${GENERIC_TOKEN}` };
          const report = fixture<Json>('generic-webhook-backup-failed.example.json');
          const other = {
            ...report,
            job: { id: 'nightly-documents', title: 'Nightly backup of documents failed', host: 'nas' },
          };
          await post('/webhooks/generic/backup', report, headers);
          await post('/webhooks/generic/backup', other, headers);
          expect((await live()).map((incident) => incident.external_key).sort()).toEqual([
            'backup:nightly-documents',
            'backup:nightly-photos',
          ]);
          expect(
            (await post('/webhooks/generic/backup', { ...report, result: 'success' }, headers)).json(),
          ).toMatchObject({ outcome: 'resolved' });
          expect((await live()).map((incident) => incident.external_key)).toEqual(['backup:nightly-documents']);
        });
      });

      describe('storms', () => {
        it('/webhooks/grafana: a group of 1,000 alerts is one incident and one hand-off; ten copies at once are one too', async () => {
          const sample = fixture<Json>('grafana-webhook-firing.docs-sample.json');
          const template = (sample.alerts as Json[])[0]!;
          const storm = {
            ...sample,
            groupKey: '{}:{alertname="storm"}',
            alerts: Array.from({ length: 1000 }, (_, i) => ({
              ...template,
              fingerprint: `storm-${i}`,
              labels: { alertname: 'storm', zone: `z${i}` },
            })),
          };
          const response = await post('/webhooks/grafana', storm, { authorization: `Bearer ${TOKEN}` });
          expect(response.statusCode).toBe(200);
          expect(changes).toHaveLength(1);
          expect(changes[0]).toMatchObject({ kind: 'opened', firingAlerts: 1000 });

          const twice = { ...sample, groupKey: '{}:{alertname="twice"}' };
          const responses = await Promise.all(
            Array.from({ length: 10 }, () => post('/webhooks/grafana', twice, { authorization: `Bearer ${TOKEN}` })),
          );
          expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
          expect(responses.filter((r) => r.json().outcome === 'repeat')).toHaveLength(9);
          expect(changes.map((change) => change.kind)).toEqual(['opened', 'opened']);
        });

        it('/webhooks/uptime-kuma and /webhooks/generic/backup: the same delivery ten times at once is one incident', async () => {
          const sends = [
            ...Array.from({ length: 10 }, () =>
              post('/webhooks/uptime-kuma', fixture('uptime-kuma-webhook-down.code-shape.json'), {
                authorization: `Bearer ${TOKEN}`,
              }),
            ),
            ...Array.from({ length: 10 }, () =>
              post('/webhooks/generic/backup', fixture('generic-webhook-backup-failed.example.json'), {
                authorization: `Bearer ${GENERIC_TOKEN}`,
              }),
            ),
          ];
          const responses = await Promise.all(sends);
          expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
          expect((await live()).map((incident) => incident.source).sort()).toEqual(['generic', 'uptime-kuma']);
          expect(changes.filter((change) => change.kind === 'opened' || change.kind === 'reopened')).toHaveLength(2);
        });
      });

      describe('one incident across sources', () => {
        const am = (alerts: { fingerprint: string; status?: 'firing' | 'resolved' }[], service = 'nextcloud') => ({
          version: '4',
          status: alerts.some((alert) => (alert.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
          groupKey: `{}:{alertname="NextcloudDown", service="${service}"}`,
          groupLabels: { alertname: 'NextcloudDown' },
          commonLabels: { alertname: 'NextcloudDown', service, severity: 'critical' },
          commonAnnotations: {},
          truncatedAlerts: 0,
          alerts: alerts.map((alert) => ({
            status: alert.status ?? 'firing',
            labels: { alertname: 'NextcloudDown', service, severity: 'critical', instance: alert.fingerprint },
            annotations: {},
            fingerprint: alert.fingerprint,
          })),
        });
        const auth = { authorization: `Bearer ${TOKEN}` };
        const postAm = (body: unknown) => post('/webhooks/alertmanager', body, auth);
        const postKuma = (name: string) => post('/webhooks/uptime-kuma', fixture(name), auth);
        const firingOf = async (id: string) =>
          (
            await database.pool.query(
              "SELECT fingerprint FROM alerts WHERE incident_id = $1 AND status = 'firing' ORDER BY fingerprint",
              [id],
            )
          ).rows.map((row: { fingerprint: string }) => row.fingerprint);

        it('Uptime Kuma joins the Alertmanager incident of the same service; each source ends only its own alerts', async () => {
          expect((await postAm(am([{ fingerprint: 'am-1' }]))).json()).toMatchObject({ outcome: 'opened' });
          const [opened] = await live();
          // The monitor's `service: nextcloud` tag agrees with the alert's service label: it joins.
          expect((await postKuma('uptime-kuma-webhook-down.code-shape.json')).json()).toMatchObject({
            outcome: 'alerts_added',
          });
          expect(await live()).toEqual([opened]);
          expect(changes.map((change) => [change.kind, change.incidentId, change.addedAlerts])).toEqual([
            ['opened', Number(opened!.id), ['am-1']],
            ['alerts_added', Number(opened!.id), ['monitor:7']],
          ]);
          // Its resend is a repeat; the incident keeps Alertmanager's title.
          expect((await postKuma('uptime-kuma-webhook-down.code-shape.json')).json()).toMatchObject({
            outcome: 'repeat',
          });
          expect((await live())[0]!.title).toBe(opened!.title);

          // A complete Alertmanager notification without the monitor's alert does not end it.
          expect((await postAm(am([{ fingerprint: 'am-1' }, { fingerprint: 'am-2' }]))).json()).toMatchObject({
            outcome: 'alerts_added',
          });
          expect(await firingOf(opened!.id)).toEqual(['am-1', 'am-2', 'monitor:7']);

          // The monitor comes back: only its alert resolves, the incident stays open.
          expect((await postKuma('uptime-kuma-webhook-up.code-shape.json')).json()).toMatchObject({
            outcome: 'alerts_resolved',
          });
          expect(await firingOf(opened!.id)).toEqual(['am-1', 'am-2']);
          expect(
            (
              await postAm(
                am([
                  { fingerprint: 'am-1', status: 'resolved' },
                  { fingerprint: 'am-2', status: 'resolved' },
                ]),
              )
            ).json(),
          ).toMatchObject({ outcome: 'resolved' });
          expect(await live()).toEqual([]);
        });

        it('a joining source cannot resolve the opener’s alert by sending its fingerprint', async () => {
          // Alertmanager's alert happens to carry the fingerprint Uptime Kuma gives monitor 7.
          // Its own group (not the one an earlier case ended a moment ago, which would reopen).
          const opener = {
            ...am([{ fingerprint: 'monitor:7' }]),
            groupKey: '{}:{alertname="NextcloudSlow", service="nextcloud"}',
          };
          expect((await postAm(opener)).json()).toMatchObject({ outcome: 'opened' });
          const [opened] = await live();
          await postKuma('uptime-kuma-webhook-down.code-shape.json');
          await postKuma('uptime-kuma-webhook-up.code-shape.json');
          // Uptime Kuma's "up" ends only Uptime Kuma's alert: Alertmanager's is still firing, the incident open.
          expect(await live()).toEqual([opened]);
          expect(await firingOf(opened!.id)).toEqual(['monitor:7']);
          const row = await database.pool.query('SELECT labels FROM alerts WHERE incident_id = $1', [opened!.id]);
          expect(row.rows.map((alert: { labels: Record<string, string> }) => alert.labels.alertname)).toEqual([
            'NextcloudDown',
          ]);
        });

        it('keeps other services, and groups of the same source, apart', async () => {
          await postAm(am([{ fingerprint: 'am-x' }], 'immich'));
          await postKuma('uptime-kuma-webhook-down.code-shape.json');
          await post('/webhooks/generic/backup', fixture('generic-webhook-backup-failed.example.json'), {
            authorization: `Bearer ${GENERIC_TOKEN}`,
          });
          expect((await live()).map((incident) => incident.source).sort()).toEqual([
            'alertmanager',
            'generic',
            'uptime-kuma',
          ]);
        });

        it('makes one incident when both sources fire at the same moment', async () => {
          const responses = await Promise.all([
            postAm(am([{ fingerprint: 'am-race' }])),
            postKuma('uptime-kuma-webhook-down.code-shape.json'),
            postAm(am([{ fingerprint: 'am-race' }])),
            postKuma('uptime-kuma-webhook-down.code-shape.json'),
          ]);
          expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200]);
          expect(await live()).toHaveLength(1);
          // Opened, or reopened when the monitor's last incident resolved within the flap window: once either way.
          expect(changes.filter((change) => change.kind === 'opened' || change.kind === 'reopened')).toHaveLength(1);
        });
      });
    },
  );
}

describe('the new webhooks while the database is down', () => {
  it('answer 503 so that the sender retries', async () => {
    const pool = createPool({
      connectionString: `postgres://steward@127.0.0.1:${await findFreePort()}/steward`,
      logger: silentLogger(),
    });
    const { app } = await buildIntakeApp(pool);
    try {
      for (const route of routes) {
        const response = await app.inject({
          method: 'POST',
          url: route.url,
          payload: route.firing(),
          headers: { authorization: `Bearer ${route.token}` },
        });
        expect(response.statusCode, route.url).toBe(503);
        expect(response.json()).toMatchObject({ error: 'store_unavailable' });
      }
    } finally {
      await app.close();
      await pool.end();
    }
  });
});
