import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertNotifier } from '../../bot/demo/lab/alert-notifier.ts';
import { alertmanagerPayload, groupOf } from '../../bot/demo/lab/alertmanager-payload.ts';
import { fingerprint } from '../../bot/demo/lab/fingerprint.ts';
import { createLab, type LabAlert } from '../../bot/demo/lab/lab-state.ts';
import { notificationSchema } from '../../webhooks/alertmanager/schema.ts';
import { fixture } from '../helpers/fixtures.ts';
import { until } from '../helpers/until.ts';

type Alert = { labels: Record<string, string>; fingerprint: string };
const realCapture = fixture<Record<string, unknown> & { alerts: (Alert & Record<string, unknown>)[] }>(
  'alertmanager-real-capture.json',
);

describe('the demo lab', () => {
  it('fingerprints alerts as Alertmanager does (real captures)', () => {
    for (const name of [
      'alertmanager-real-capture.json',
      'alertmanager-real-capture-multi.json',
      'alertmanager-real-capture-batch10.json',
    ]) {
      for (const alert of fixture<{ alerts: Alert[] }>(name).alerts)
        expect(fingerprint(alert.labels), name).toBe(alert.fingerprint);
    }
  });

  it('leaks memory in radarr-0 until its alert fires; a restart frees it and the alert resolves', () => {
    let now = Date.parse('2026-12-02T10:00:00Z');
    const lab = createLab({ now: () => now });
    const fired = lab.tick();
    expect(fired.map((alert) => alert.labels)).toEqual([
      {
        alertname: 'PodMemoryNearLimit',
        container: 'radarr',
        job: 'steward-demo-lab',
        namespace: 'media',
        pod: 'radarr-0',
        severity: 'warning',
      },
    ]);
    now += 60_000;
    expect(lab.pod('media', 'radarr-0')!.memoryMiB).toBeGreaterThan(948);
    expect(lab.tick()).toEqual([]); // still firing: nothing new
    lab.restart('media', 'radarr-0');
    now += 1_000;
    const resolved = lab.tick();
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.endsAt).toBe(new Date(now).toISOString());
    expect(lab.pod('media', 'radarr-0')).toMatchObject({ restarts: 1, memoryMiB: 307 + 1.5 });
    // The leak comes back: about seven minutes later the rule fires again.
    now += 6 * 60_000;
    expect(lab.tick()).toEqual([]);
    now += 90_000;
    expect(lab.tick().map((alert) => alert.endsAt)).toEqual([undefined]);
  });

  it('posts the shape Alertmanager posts (same fields as a real capture) and Steward reads it', () => {
    const lab = createLab();
    const [alert] = lab.tick() as [LabAlert];
    const body = alertmanagerPayload(groupOf(alert), [alert], 'http://alertmanager.demo-lab.invalid:9093');
    expect(Object.keys(body)).toEqual(Object.keys(realCapture));
    expect(Object.keys(body.alerts[0]!)).toEqual(Object.keys(realCapture.alerts[0]!));
    expect(body).toMatchObject({
      version: '4',
      status: 'firing',
      groupKey: '{}:{alertname="PodMemoryNearLimit", namespace="media"}',
      groupLabels: { alertname: 'PodMemoryNearLimit', namespace: 'media' },
    });
    expect(body.alerts[0]).toMatchObject({
      status: 'firing',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: fingerprint(alert.labels),
    });
    expect(notificationSchema.safeParse(body).success).toBe(true);
  });

  describe('as Alertmanager', () => {
    const received: { authorization?: string; body: ReturnType<typeof alertmanagerPayload> }[] = [];
    let answer = 503;
    const server = createServer((request: IncomingMessage, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        received.push({
          authorization: request.headers.authorization,
          body: JSON.parse(text) as ReturnType<typeof alertmanagerPayload>,
        });
        response.writeHead(answer).end();
      });
    });
    let url = '';
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/alertmanager`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('retries a 5xx, posts the group once it changed, and tells when what it notified has resolved', async () => {
      const lab = createLab();
      const events: Record<string, unknown>[] = [];
      const notifier = createAlertNotifier({
        url,
        token: 'demo-token-0123456789abcdef',
        record: (event) => events.push(event),
        delivered: (alert) => lab.forget(alert.fingerprint),
        retryMs: 20,
      });
      const flush = async () => {
        lab.tick();
        await notifier.flush(lab.alerts());
      };
      await flush();
      expect(received).toHaveLength(1); // answered 503: retried after the backoff
      answer = 200;
      await until('the retry', async () => {
        await flush();
        return received.length === 2;
      });
      await flush();
      expect(received).toHaveLength(2); // nothing changed: nothing sent
      expect(received.map((post) => post.authorization)).toEqual([
        'Bearer demo-token-0123456789abcdef',
        'Bearer demo-token-0123456789abcdef',
      ]);
      expect(received[1]!.body.status).toBe('firing');

      lab.restart('media', 'radarr-0');
      await flush();
      expect(received).toHaveLength(3);
      expect(received[2]!.body).toMatchObject({
        status: 'resolved',
        alerts: [{ status: 'resolved', labels: { pod: 'radarr-0' } }],
      });
      expect(received[2]!.body.alerts[0]!.endsAt).not.toBe('0001-01-01T00:00:00Z');
      expect(lab.alerts()).toEqual([]); // delivered: forgotten, as Alertmanager drops resolved alerts
      expect(events.map((event) => event.answer)).toEqual([503, 200, 200]);
    });
  });
});
