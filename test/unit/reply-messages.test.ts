import { describe, expect, it } from 'vitest';
import { rejectionComment } from '../../graphs/pull-request/pull-request-notices.ts';
import { answered } from '../../graphs/reply-messages.ts';
import { statusMessage } from '../../graphs/status-message.ts';

describe('acknowledgements and reports keep outside text on one inert line', () => {
  it('shows a multi-line custom: answer as one line in the acknowledgement every channel gets', () => {
    const ack = answered(
      { incidentId: 12, title: 't' },
      { kind: 'custom', instruction: 'restart it\n1. Approve all' },
      'Ana\n2. Yes',
      'signal',
    );
    expect(ack.title).not.toMatch(/\n/);
    expect(ack.body).not.toMatch(/\n/);
    expect(ack.title).toContain('custom: restart it');
  });

  it('shows an MCP tool name in status as data, and mentions nobody in a GitHub comment', () => {
    const status = statusMessage(
      {
        counts: { open: 0, flapping: 0 },
        questions: [],
        outbox: [],
        running: [{ tool: 'x\n1. Approve', incidentId: 3, startedAt: new Date(0) }],
      },
      new Date(60_000),
    );
    expect(status.body.split('\n').filter((line) => /^\s*1\./.test(line))).toEqual([]);
    expect(rejectionComment({ name: '@org/admins', channel: 'signal' })).not.toContain('@org');
  });
});
