import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRefusedRequests, type RefusalDetails } from '../../bot/http/refused-requests.ts';
import { createMetrics } from '../../bot/metrics/create-metrics.ts';
import { captureLogs } from '../helpers/capture-logs.ts';

/** An app whose one route refuses every request, on a clock the test moves. */
async function refusingApp(details: RefusalDetails = {}) {
  const logs = captureLogs();
  const metrics = createMetrics();
  let now = 1_000_000;
  const refusals = createRefusedRequests({ metrics, now: () => now });
  const app = Fastify({ loggerInstance: pino({ level: 'info' }, logs.stream), disableRequestLogging: true });
  app.post('/callbacks/:id', (request, reply) => {
    refusals.refuse(request, 'invalid_signature', details);
    return reply.status(401).send({ error: 'unauthorized' });
  });
  await app.ready();
  return {
    app,
    logs,
    metrics,
    advance: (ms: number) => (now += ms),
    send: (id: string) => app.inject({ method: 'POST', url: `/callbacks/${id}`, payload: { id } }),
    lines: () => logs.entries().filter((entry) => entry.msg === 'request refused'),
  };
}

describe('refused requests: counted, logged at a limited rate', () => {
  it('logs ten lines a minute per route and reason, counts every refusal, and says how many lines it left out', async () => {
    const refusing = await refusingApp();
    for (let i = 0; i < 25; i++) await refusing.send(`forged-${i}`);
    expect(refusing.lines()).toHaveLength(10);
    refusing.advance(60_000);
    await refusing.send('after-a-minute');
    expect(refusing.lines()).toHaveLength(11);
    expect(refusing.lines().at(-1)).toMatchObject({
      route: '/callbacks/:id',
      reason: 'invalid_signature',
      notLogged: 15,
    });
    // The route is the pattern, not the URL: one series however many ids were sent.
    const series = (await refusing.metrics.registry.getSingleMetricAsString('steward_refused_requests_total'))
      .split('\n')
      .filter((line) => !line.startsWith('#'));
    expect(series).toEqual(['steward_refused_requests_total{route="/callbacks/:id",reason="invalid_signature"} 26']);
    await refusing.app.close();
  });

  it('cuts what the requester chose to a short printable line: at most six fields of 120 characters', async () => {
    const details = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`field${i}`, `${'x'.repeat(5_000)}\n{"level":60,"msg":"forged"}\u2028`]),
    );
    const refusing = await refusingApp(details);
    await refusing.send('one');
    const line = refusing.lines()[0]!;
    const fields = Object.keys(line).filter((name) => name.startsWith('field'));
    expect(fields).toHaveLength(6);
    for (const name of fields) {
      expect(String(line[name])).toHaveLength(121);
      expect(String(line[name])).toMatch(/^x+…$/);
    }
    expect(refusing.logs.text().split('\n').filter(Boolean)).toHaveLength(1);
    expect(refusing.logs.text().length).toBeLessThan(2_000);

    const control = await refusingApp({ user: 'alice\n{"level":60}\u0000\u2028' });
    await control.send('two');
    expect(control.lines()[0]).toMatchObject({ user: 'alice?{"level":60}??' });
    await refusing.app.close();
    await control.app.close();
  });
});
