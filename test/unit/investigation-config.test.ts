import { describe, expect, it } from 'vitest';
import { readInvestigationConfig } from '../../bot/investigation/investigation-config.ts';

describe('the investigation section of STEWARD_CONFIG', () => {
  it('has a budget by default', () => {
    expect(readInvestigationConfig(undefined)).toEqual({
      enabled: true,
      maxToolCalls: 5,
      timeLimitMs: 20_000,
      maxResultChars: 2_000,
      metricsWindowMs: 3_600_000,
      historyWindowMs: 86_400_000,
    });
  });

  it('reads the owner’s budget and names a bad field', () => {
    expect(
      readInvestigationConfig({
        enabled: false,
        max_tool_calls: 2,
        time_limit: '5s',
        max_result_chars: 500,
        metrics_window: '30m',
        history_window: '12h',
      }),
    ).toEqual({
      enabled: false,
      maxToolCalls: 2,
      timeLimitMs: 5_000,
      maxResultChars: 500,
      metricsWindowMs: 1_800_000,
      historyWindowMs: 43_200_000,
    });
    expect(() => readInvestigationConfig({ max_tool_calls: -1 })).toThrow(/investigation\.max_tool_calls/);
    expect(() => readInvestigationConfig({ time_limit: 'soon' })).toThrow(/investigation\.time_limit/);
    expect(() => readInvestigationConfig({ max_calls: 3 })).toThrow(/investigation/);
  });
});
