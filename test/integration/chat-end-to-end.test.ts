import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../bot/runtime/start-runtime.ts';
import type { MattermostFake } from '../fakes/mattermost.ts';
import type { SignalFake } from '../fakes/signal-rest-api.ts';
import { fixture } from '../helpers/fixtures.ts';
import { signalTextFrame } from '../helpers/signal-frames.ts';
import { BOT, MM_CHANNEL as CHANNEL, MM_SLASH_TOKEN as SLASH_TOKEN, OWNER } from '../helpers/steward-env.ts';
import { useTestRuntime } from '../helpers/test-runtime.ts';
import { until } from '../helpers/until.ts';

const STRANGER = { number: '+4915199999999', uuid: '5e5e5e5e-1111-4222-8333-944444444444', name: 'Mallory' };
const ALICE_ID = 'rd49ehbqyjytddasoownkuqrxe';

type Post = {
  id: string;
  message: string;
  props: { attachments?: { actions: { id: string; integration: { context: Record<string, unknown> } }[] }[] };
};

/**
 * Signal takes one message a second per conversation, and the flow posts more after each answer, so
 * waits here are long. The whole chat path in one process, as `npm start` wires it: webhook → incident → "🔔 Issue
 * detected" on Signal and Mattermost (loopback fakes speaking their wire formats) → an answer on one
 * → the decision stored once → the other channel updated to say who answered and how.
 */
describe('chat end to end: Signal and Mattermost at once', () => {
  let signal: SignalFake;
  let mattermost: MattermostFake;
  let runtime: Runtime;
  const steward = useTestRuntime('steward-chat-');
  let group = 0;

  beforeAll(async () => {
    signal = await steward.signal();
    mattermost = await steward.mattermost({ slashCommand: true });
    runtime = await steward.start({ env: { LOG_LEVEL: 'info', PUBLIC_URL: 'https://steward.home.arpa' } });
  });

  /** A new Alertmanager group fires; returns its incident id and the question's Signal timestamp and Mattermost post. */
  async function alertFires() {
    group += 1;
    const body = fixture<Record<string, unknown>>('alertmanager-webhook-v4-firing-group-3-alerts.json');
    body.groupKey = `{}:{alertname="KubePodCrashLooping", group="${group}"}`;
    // Each group its own labels: a "No, expected" in one test keeps that alert quiet (IGNORE_DAYS).
    body.commonLabels = { ...(body.commonLabels as Record<string, string>), group: String(group) };
    const response = await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: body });
    expect(response.statusCode).toBe(200);
    const incident = await runtime.database.pool.query<{ id: string }>(
      'SELECT id FROM incidents WHERE external_key = $1',
      [body.groupKey],
    );
    const id = Number(incident.rows[0]!.id);
    const title = `🔔 Issue detected: #${id}`;
    const ref = await runtime.database.pool.query<{ channel: string; platform_ref: string }>(
      "SELECT channel, platform_ref FROM outbox WHERE incident_id = $1 AND kind = 'question' AND status = 'sent'",
      [id],
    );
    await until(
      'the question on both channels',
      async () => {
        const sent = await runtime.database.pool.query<{ channel: string; platform_ref: string }>(
          "SELECT channel, platform_ref FROM outbox WHERE incident_id = $1 AND kind = 'question' AND status = 'sent'",
          [id],
        );
        ref.rows.splice(0, ref.rows.length, ...sent.rows);
        return sent.rows.length === 2;
      },
      30_000,
    );
    const signalRef = ref.rows.find((row) => row.channel === 'signal')!.platform_ref;
    const post = mattermost.posts.find(
      (candidate) => candidate.id === ref.rows.find((row) => row.channel === 'mattermost')!.platform_ref,
    ) as Post;
    expect(signal.sent.some((sent) => (sent.message as string).startsWith(`**${title}`))).toBe(true);
    expect(post.message).toContain(title);
    expect(post.message).toContain('Is this a problem?');
    return { id, signalRef, post };
  }

  const decisionOf = async (incident: number) =>
    (
      await runtime.database.pool.query<{ actor: string; actor_name: string; channel: string; answer: unknown }>(
        'SELECT d.actor, d.actor_name, d.channel, d.answer FROM decisions d JOIN questions q ON q.id = d.question_id WHERE q.incident_id = $1',
        [incident],
      )
    ).rows;

  it('asks on both; a quoted answer on Signal decides, and the Mattermost post is redrawn without buttons', async () => {
    const { id, signalRef, post } = await alertFires();
    expect(post.props.attachments![0]!.actions.map((action) => action.id)).toEqual([
      'option1',
      'option2',
      'option3',
      'ignore',
    ]);

    signal.deliver(signalTextFrame(BOT, OWNER, '1', signalRef));
    await until('the Mattermost post redrawn', () => mattermost.patches.some((patch) => patch.id === post.id), 30_000);
    expect(post.message).toContain(`✔ #${id}: 1. Yes**\n\nAnswered by Alice Ops via signal`);
    expect(post.props).toEqual({ attachments: [] });
    await until(
      'the follow-up quoting the question on Signal',
      () => signal.sent.some((sent) => sent.quote_timestamp === Number(signalRef)),
      30_000,
    );
    expect(await decisionOf(id)).toEqual([
      {
        actor: OWNER.uuid,
        actor_name: 'Alice Ops',
        channel: 'signal',
        answer: { kind: 'option', option: 1, label: 'Yes' },
      },
    ]);
  });

  it('takes a signed button click from an approver, answers with the redrawn post, and tells Signal', async () => {
    const { id, signalRef, post } = await alertFires();
    const button = (option: string) =>
      post.props.attachments![0]!.actions.find((action) => action.id === option)!.integration.context;
    const click = (context: Record<string, unknown>, user = { user_id: ALICE_ID, user_name: 'alice' }) =>
      runtime.app.inject({
        method: 'POST',
        url: '/mattermost/actions',
        payload: { ...user, channel_id: CHANNEL, post_id: post.id, trigger_id: 'x', type: 'button', context },
      });

    const altered = await click({ ...button('option1'), option: '2' });
    expect(altered.json()).toEqual({ ephemeral_text: 'This button is not one Steward made; nothing was done.' });
    const stranger = await click(button('option2'), { user_id: 'strangeruserid000000000000', user_name: 'mallory' });
    expect(stranger.json()).toEqual({ ephemeral_text: 'Only the approvers the owner listed can answer.' });
    expect(await decisionOf(id)).toEqual([]);

    const chosen = await click(button('option2'));
    expect(chosen.statusCode).toBe(200);
    expect(chosen.json()).toMatchObject({
      update: { props: {} },
      ephemeral_text: `You chose 2. No, expected for #${id}.`,
    });
    expect(chosen.json<{ update: { message: string } }>().update.message).toMatch(
      new RegExp(
        `Is this a problem\\?[\\s\\S]*---\\n\\*\\*✔ #${id}: 2\\. No, expected\\*\\*\\n\\nAnswered by alice via mattermost$`,
      ),
    );
    const again = await click(button('option1'));
    expect(again.json()).toMatchObject({
      ephemeral_text: 'Already answered by alice via mattermost; your click was not used.',
    });

    await until(
      'the follow-up on Signal',
      () => signal.sent.some((sent) => sent.quote_timestamp === Number(signalRef)),
      30_000,
    );
    const followUp = signal.sent.find((sent) => sent.quote_timestamp === Number(signalRef))!;
    expect(followUp.message).toBe(`**✔ #${id}: 2. No, expected**\n\nAnswered by alice via mattermost`);
    expect(await decisionOf(id)).toEqual([
      {
        actor: ALICE_ID,
        actor_name: 'alice',
        channel: 'mattermost',
        answer: { kind: 'option', option: 2, label: 'No, expected' },
      },
    ]);
  });

  it('stores nothing of forged button clicks, whatever their size or name: they are counted and logged at a limited rate', async () => {
    const { post } = await alertFires();
    const context = post.props.attachments![0]!.actions.find((action) => action.id === 'option1')!.integration.context;
    const refused = async () =>
      Number(
        /^steward_refused_requests_total\{route="\/mattermost\/actions",reason="invalid_signature"\} (\d+)$/m.exec(
          (await runtime.app.inject({ method: 'GET', url: '/metrics' })).body,
        )?.[1] ?? 0,
      );
    const counted = await refused();
    const before = await runtime.database.pool.query<{ audit: number; bytes: string }>(
      "SELECT (SELECT count(*)::int FROM audit_log) AS audit, pg_total_relation_size('audit_log') AS bytes",
    );
    const huge = 'm'.repeat(500_000);
    for (let click = 0; click < 20; click += 1) {
      const forged = await runtime.app.inject({
        method: 'POST',
        url: '/mattermost/actions',
        payload: {
          user_id: `forger${click}`,
          user_name: huge,
          channel_id: CHANNEL,
          post_id: post.id,
          trigger_id: 'x',
          type: 'button',
          context: { ...context, signature: 'f'.repeat(64) },
        },
      });
      expect(forged.json()).toEqual({ ephemeral_text: 'This button is not one Steward made; nothing was done.' });
    }
    const after = await runtime.database.pool.query<{ audit: number; bytes: string }>(
      "SELECT (SELECT count(*)::int FROM audit_log) AS audit, pg_total_relation_size('audit_log') AS bytes",
    );
    expect(after.rows[0]!.audit).toBe(before.rows[0]!.audit);
    expect(Number(after.rows[0]!.bytes)).toBe(Number(before.rows[0]!.bytes));
    expect(await refused()).toBe(counted + 20);
  });

  it('answers the slash command: token checked, status only to the asker, answers act like typed ones', async () => {
    const { id } = await alertFires();
    const command = (text: string, authorization = `Token ${SLASH_TOKEN}`, user = 'alice') =>
      runtime.app.inject({
        method: 'POST',
        url: '/mattermost/command',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          channel_id: CHANNEL,
          channel_name: 'ops',
          command: '/steward',
          text,
          team_domain: 'home',
          team_id: 'team1',
          trigger_id: `trigger-${Math.random()}`,
          user_id: user === 'alice' ? ALICE_ID : 'strangeruserid000000000000',
          user_name: user,
        }).toString(),
      });

    expect((await command('status', 'Token wrong-token-000000')).statusCode).toBe(401);
    const status = await command('status');
    expect(status.json()).toMatchObject({ response_type: 'ephemeral' });
    expect(status.json<{ text: string }>().text).toContain(`#${id} 🔔 Issue detected: #${id}`);
    expect((await command('help')).json()).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('snooze 2h'),
    });
    expect((await command('1', `Token ${SLASH_TOKEN}`, 'mallory')).json()).toEqual({
      response_type: 'ephemeral',
      text: 'Only the approvers the owner listed can use Steward.',
    });

    expect((await command(`snooze 2h #${id}`)).json()).toEqual({
      response_type: 'ephemeral',
      text: `OK: snooze 2h #${id}`,
    });
    expect(await decisionOf(id)).toEqual([
      {
        actor: ALICE_ID,
        actor_name: 'alice',
        channel: 'mattermost',
        answer: { kind: 'snooze', durationMs: 7_200_000 },
      },
    ]);
  });

  it('withdraws the question with one "resolved on its own" message on each channel when the alerts resolve first', async () => {
    const { id, signalRef, post } = await alertFires();
    const resolved = fixture<Record<string, unknown>>('alertmanager-webhook-v4-resolved.json');
    resolved.groupKey = `{}:{alertname="KubePodCrashLooping", group="${group}"}`;
    expect(
      (await runtime.app.inject({ method: 'POST', url: '/webhooks/alertmanager', payload: resolved })).statusCode,
    ).toBe(200);
    await until('Signal told', () => signal.sent.some((sent) => sent.quote_timestamp === Number(signalRef)), 30_000);
    await until('Mattermost redrawn', () => mattermost.patches.some((patch) => patch.id === post.id), 30_000);
    expect(
      signal.sent.filter((sent) => sent.quote_timestamp === Number(signalRef)).map((sent) => sent.message),
    ).toEqual([`**✅ #${id} resolved on its own**\n\nEvery alert resolved before anyone answered; nothing was run.`]);
    expect(post.message).toContain(`✅ #${id} resolved on its own`);
    expect(await decisionOf(id)).toEqual([]);
    // A late answer is told, and not taken.
    signal.deliver(signalTextFrame(BOT, OWNER, '1', signalRef));
    await until(
      'the late answer told',
      () => signal.sent.some((sent) => String(sent.message).includes('no longer needs an answer')),
      30_000,
    );
    expect(await decisionOf(id)).toEqual([]);
  });

  it('answers `weekly` with the report and its chart: a Signal attachment, a Mattermost file', async () => {
    const files = mattermost.files.length;
    signal.deliver(signalTextFrame(BOT, OWNER, 'weekly'));
    await until(
      'the report on Signal',
      () =>
        signal.sent.some(
          (sent) => String(sent.message).includes('📈 Weekly report') && Array.isArray(sent.base64_attachments),
        ),
      30_000,
    );
    const report = signal.sent.find((sent) => String(sent.message).includes('📈 Weekly report'))!;
    expect(report.message).toContain('Incidents per day:');
    const [attachment] = report.base64_attachments as string[];
    expect(attachment).toMatch(/^data:image\/png;filename=incidents-per-day\.png;base64,/);
    expect(Buffer.from(attachment!.split(',')[1]!, 'base64').subarray(0, 8)).toEqual(
      Buffer.from('89504e470d0a1a0a', 'hex'),
    );

    mattermost.userPosts({ userId: ALICE_ID, username: 'alice', channelId: CHANNEL, message: 'weekly' });
    await until('the report on Mattermost', () => mattermost.files.length > files, 30_000);
    const file = mattermost.files.at(-1)!;
    expect(file).toMatchObject({ channelId: CHANNEL, name: 'incidents-per-day.png', mimeType: 'image/png' });
    expect(file.data.subarray(0, 8)).toEqual(Buffer.from('89504e470d0a1a0a', 'hex'));
    await until(
      'the post with the file',
      () => mattermost.posts.some((post) => (post.file_ids as string[] | undefined)?.includes(file.id) === true),
      10_000,
    );
    expect(
      String(mattermost.posts.find((post) => (post.file_ids as string[] | undefined)?.includes(file.id))!.message),
    ).toContain('📈 Weekly report');
  });

  it('refuses a stranger on Signal once, and acts on nothing they write', async () => {
    const before = signal.sent.length;
    signal.deliver(signalTextFrame(BOT, STRANGER, '1'));
    signal.deliver(signalTextFrame(BOT, STRANGER, 'approve'));
    await until(
      'the refusal',
      () => signal.sent.slice(before).some((sent) => String(sent.message).includes('Not an approver')),
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const refusals = signal.sent.slice(before).filter((sent) => String(sent.message).includes('Not an approver'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.recipients).toEqual([STRANGER.number]);
    const audited = await runtime.database.pool.query(
      "SELECT count(*)::int AS n FROM audit_log WHERE actor = $1 AND outcome = 'refused: not an approver'",
      [STRANGER.uuid],
    );
    expect(audited.rows[0]).toEqual({ n: 2 });
  });
});
