import { describe, expect, it } from 'vitest';
import { createAlertRepository } from '../../bot/db/repositories/alerts.ts';
import { memberOf } from '../../bot/db/repositories/incident-members.ts';
import { queriesOfAlerts } from '../../bot/investigation/gather-metrics.ts';
import { useMigratedDatabase } from '../helpers/databases.ts';

const ruleLink = (expr: string) => `http://prometheus:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

/**
 * The investigation queries Prometheus with the expression of each rule that fired, read from the
 * alert's link. Only Alertmanager's alerts carry Prometheus's links: a link another source sent (a
 * Grafana token holder's, or a member group's that joined an Alertmanager incident) is never read as
 * PromQL.
 */
describe('rule expressions come only from alerts that came through Alertmanager', () => {
  const database = useMigratedDatabase();

  async function incident(source: string): Promise<number> {
    const result = await database.pool.query<{ id: string }>(
      'INSERT INTO incidents (source, external_key, title) VALUES ($1, $2, $3) RETURNING id',
      [source, `group-${Math.random()}`, 'QueueBacklog'],
    );
    return Number(result.rows[0]!.id);
  }
  async function alert(incidentId: number, fingerprint: string, link: string, member?: string): Promise<void> {
    await database.pool.query(
      `INSERT INTO alerts (incident_id, fingerprint, alertname, status, generator_url, member_of)
       VALUES ($1, $2, 'QueueBacklog', 'firing', $3, $4)`,
      [incidentId, fingerprint, link, member ?? null],
    );
  }

  it('reads Alertmanager’s own and member links, and no other source’s', async () => {
    const alerts = createAlertRepository(database.pool);
    const fromAlertmanager = await incident('alertmanager');
    await alert(fromAlertmanager, 'a1', ruleLink('media_queue_depth > 6'));
    // A Grafana group that joined the incident by its labels, with a link that names PromQL of its choosing.
    await alert(fromAlertmanager, 'g1', ruleLink('count by (__name__) ({__name__=~".+"})'), memberOf('grafana', 'g'));
    await alert(fromAlertmanager, 'a2', ruleLink('node_load1 > 3'), memberOf('alertmanager', 'other-group'));
    expect(queriesOfAlerts(await alerts.generatorUrls(fromAlertmanager, 10))).toEqual([
      'media_queue_depth',
      'node_load1',
    ]);

    const fromGrafana = await incident('grafana');
    await alert(fromGrafana, 'g2', ruleLink('count by (__name__) ({__name__=~".+"})'));
    expect(await alerts.generatorUrls(fromGrafana, 10)).toEqual([]);
  });
});
