import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import type { MattermostFake } from '../fakes/mattermost.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import { fixture } from '../helpers/fixtures.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { BOT, MM_CHANNEL as CHANNEL, MM_SLASH_TOKEN as SLASH_TOKEN, OWNER } from '../helpers/steward-env.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

const ALICE_ID = 'rd49ehbqyjytddasoownkuqrxe';

/**
 * A reply answers the question it means, or none: on Signal (a quote of part 2 of a question split in
 * two, a quote of a notice), on Mattermost (a thread reply under a notice of another incident, the
 * slash command) and with `N #id`. A reply that names nothing while two questions are open decides
 * nothing and asks "Which incident?". Every acknowledgement names its incident.
 */
describe('replies bind to the question they mean, on every channel, or to none', () => {
  let signal: SignalFake;
  let mattermost: MattermostFake;
  let runtime: Runtime;
  const steward = useTestRuntime('steward-replies-');
  let group = 0;

  beforeAll(async () => {
    signal = await steward.signal();
    mattermost = await steward.mattermost({ slashCommand: true });
    runtime = await steward.start({ env: { LOG_LEVEL: 'info', PUBLIC_URL: 'https://steward.home.arpa' } });
  });

  const db = () => runtime.database.pool;
  const signalTexts = () => signal.sent.map((sent) => String(sent.message));

  /** An alert group with `alerts` firing pods (long summaries make a long question); returns its incident. */
  async function fires(alerts: number, summary = 'memory use is high'): Promise<number> {
    const body = fixture<Record<string, unknown> & { alerts: Record<string, unknown>[] }>(
      'alertmanager-webhook-v4-firing-group-3-alerts.json',
    );
    group += 1;
    const groupKey = `{}:{test="bind-${group}"}`;
    const common = { alertname: 'HighMemory', severity: 'warning', namespace: `bind-${group}` };
    Object.assign(body, {
      groupKey,
      groupLabels: { alertname: 'HighMemory' },
      commonLabels: common,
      commonAnnotations: {},
    });
    body.alerts = Array.from({ length: alerts }, (_, index) => ({
      ...body.alerts[0]!,
      labels: { ...common, pod: `app-${index}` },
      annotations: { summary: `${summary} ${index}` },
      fingerprint: `fp-${group}-${index}`,
    }));
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: body })).statusCode,
    ).toBe(200);
    return Number(
      (await db().query<{ id: string }>('SELECT id FROM incidents WHERE external_key = $1', [groupKey])).rows[0]!.id,
    );
  }

  /** The open question of an incident once sent on both channels. */
  async function asked(incident: number, kind: string): Promise<{ id: number; signalRef: string; postId: string }> {
    let rows: { id: string; channel: string; platform_ref: string }[] = [];
    await until(
      `#${incident}'s ${kind} question sent on both`,
      async () => {
        rows = (
          await db().query<{ id: string; channel: string; platform_ref: string }>(
            "SELECT q.id, o.channel, o.platform_ref FROM questions q JOIN outbox o ON o.question_id = q.id AND o.kind = 'question' WHERE q.incident_id = $1 AND q.kind = $2 AND q.status = 'open' AND o.status = 'sent'",
            [incident, kind],
          )
        ).rows;
        return rows.length === 2;
      },
      30_000,
    );
    return {
      id: Number(rows[0]!.id),
      signalRef: rows.find((row) => row.channel === 'signal')!.platform_ref,
      postId: rows.find((row) => row.channel === 'mattermost')!.platform_ref,
    };
  }

  const decisions = async (incident: number) =>
    (
      await db().query<{ kind: string; option: number | null; channel: string }>(
        "SELECT q.kind, (d.answer->>'option')::int AS option, d.channel FROM decisions d JOIN questions q ON q.id = d.question_id WHERE q.incident_id = $1 ORDER BY d.decided_at",
        [incident],
      )
    ).rows;

  it('on Signal: a quote of part 2 of a split question answers it; a bare reply with two open decides nothing', async () => {
    const long = await fires(10, 'x'.repeat(190));
    const short = await fires(1);
    const question = await asked(long, 'problem');
    await asked(short, 'problem');
    // The long question went out in two parts; the second's timestamp is what a quote of it names.
    const first = signal.sentTimestamps.indexOf(question.signalRef);
    expect(String(signal.sent[first + 1]!.message)).toMatch(/^\(2\/2\) /);
    const partTwo = signal.sentTimestamps[first + 1]!;

    signal.deliver(signalTextFrame(BOT, OWNER, '1'));
    await until(
      '"Which incident?"',
      () => signalTexts().some((text) => text.startsWith('**Which incident?**')),
      30_000,
    );
    const which = signalTexts().find((text) => text.startsWith('**Which incident?**'))!;
    expect(which).toContain(`#${long} `);
    expect(which).toContain(`#${short} `);
    expect(which).toMatch(/Reply "1 #\d+" or quote its question\. Nothing was done\./);
    expect(await decisions(long)).toEqual([]);
    expect(await decisions(short)).toEqual([]);

    signal.deliver(signalTextFrame(BOT, OWNER, '1', partTwo));
    await until('the answer to the long one', async () => (await decisions(long)).length === 1, 30_000);
    expect(await decisions(long)).toEqual([{ kind: 'problem', option: 1, channel: 'signal' }]);
    expect(await decisions(short)).toEqual([]);
    // The acknowledgement names the incident, on both channels.
    await until(
      'the acknowledgement on Signal',
      () => signalTexts().some((text) => text.startsWith(`**✔ #${long}: 1. Yes**`)),
      30_000,
    );
    await until(
      'the Mattermost question redrawn',
      () => mattermost.patches.some((patch) => patch.id === question.postId),
      30_000,
    );
    expect(mattermost.posts.find((post) => post.id === question.postId)!.message).toContain(`✔ #${long}: 1. Yes`);

    // `N #id` names the incident outright.
    signal.deliver(signalTextFrame(BOT, OWNER, `2 #${short}`));
    await until('the answer to the short one', async () => (await decisions(short)).length === 1, 30_000);
    expect(await decisions(short)).toEqual([{ kind: 'problem', option: 2, channel: 'signal' }]);
  });

  it('on Mattermost: a thread reply under a notice answers that notice’s incident, or nothing when it has nothing open', async () => {
    const mine = await fires(1);
    const other = await fires(1);
    const problem = await asked(mine, 'problem');
    await asked(other, 'problem');
    mattermost.userPosts({
      userId: ALICE_ID,
      username: 'alice',
      channelId: CHANNEL,
      message: '1',
      rootId: problem.postId,
    });
    // No model here: the options are the safe ones (Investigate, Snooze 1h, Ignore).
    await asked(mine, 'solution');

    // A notice of #mine: the details, posted in the channel.
    mattermost.userPosts({ userId: ALICE_ID, username: 'alice', channelId: CHANNEL, message: `details #${mine}` });
    await until(
      'the details post',
      () => mattermost.posts.some((post) => String(post.message).startsWith(`**🔎 #${mine} `)),
      30_000,
    );
    const notice = mattermost.posts.find((post) => String(post.message).startsWith(`**🔎 #${mine} `))!;

    // `2` in its thread answers #mine's open question (Snooze 1h), never #other's.
    mattermost.userPosts({
      userId: ALICE_ID,
      username: 'alice',
      channelId: CHANNEL,
      message: '2',
      rootId: String(notice.id),
    });
    await until('#mine snoozed', async () => (await decisions(mine)).length === 2, 30_000);
    expect(await decisions(mine)).toEqual([
      { kind: 'problem', option: 1, channel: 'mattermost' },
      { kind: 'solution', option: 2, channel: 'mattermost' },
    ]);
    // The same thread again: #mine has nothing open now, and nothing happens to #other.
    mattermost.userPosts({
      userId: ALICE_ID,
      username: 'alice',
      channelId: CHANNEL,
      message: '1',
      rootId: String(notice.id),
    });
    await until(
      'nothing open said',
      () =>
        mattermost.posts.some((post) => String(post.message).includes(`#${mine} has nothing open; nothing was done.`)),
      30_000,
    );
    expect(await decisions(other)).toEqual([]);
  });

  it('on Mattermost’s slash command: a bare answer with two open decides nothing; `N #id` decides', async () => {
    const first = await fires(1);
    const second = await fires(1);
    await asked(first, 'problem');
    await asked(second, 'problem');
    const command = (text: string) =>
      runtime.app.inject({
        method: 'POST',
        url: '/mattermost/command',
        headers: { authorization: `Token ${SLASH_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          token: SLASH_TOKEN,
          channel_id: CHANNEL,
          user_id: ALICE_ID,
          user_name: 'alice',
          command: '/steward',
          text,
          trigger_id: `t-${Math.random()}`,
        }).toString(),
      });
    expect((await command('1')).json()).toMatchObject({ response_type: 'ephemeral' });
    await until(
      '"Which incident?" in the channel',
      () =>
        mattermost.posts.some(
          (post) =>
            String(post.message).startsWith('**Which incident?**') && String(post.message).includes(`#${second} `),
        ),
      30_000,
    );
    expect(await decisions(first)).toEqual([]);
    expect(await decisions(second)).toEqual([]);
    await command(`3 #${first}`);
    await until('the answer', async () => (await decisions(first)).length === 1, 30_000);
    expect(await decisions(first)).toEqual([{ kind: 'problem', option: 3, channel: 'mattermost' }]);
    expect(await decisions(second)).toEqual([]);
  });
});
