import type { Config, StructuredConfig } from '../config/index.ts';
import type { Coordination } from '../coordination/index.ts';
import type { Pool } from '../db/pool.ts';
import { createLlmGateway, type LlmGateway } from '../llm/gateway.ts';
import { createQuota } from '../llm/quota.ts';
import { quotaRunningLow } from '../../graphs/operator-messages.ts';
import { readRoutingConfig } from '../llm/routing-config.ts';
import { createLlmUsageLog } from '../db/repositories/llm-usage.ts';
import type { Logger } from '../logging/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import type { Chat } from './start-chat.ts';

/**
 * The model gateway, from configuration: the LiteLLM proxy (LLM_BASE_URL and LLM_API_KEY), Ollama
 * for the local alias (OLLAMA_BASE_URL), the `routing` section of STEWARD_CONFIG, and the quota whose
 * warnings go to every chat channel.
 */
export function createLlm(
  config: Config,
  structured: StructuredConfig,
  deps: { pool: Pool; coordination: Coordination; logger: Logger; metrics: Metrics; chat: Chat },
): LlmGateway {
  const routing = readRoutingConfig(structured.routing);
  const quota = createQuota({
    coordination: deps.coordination,
    limits: routing.quotas,
    onWarning: async (warning) => {
      await deps.chat.outbox.enqueue({ channels: deps.chat.channels, message: quotaRunningLow(warning) });
      deps.chat.wake();
    },
  });
  deps.logger.info(
    {
      proxy: config.llm.proxy ? new URL(config.llm.proxy.baseUrl).host : 'none',
      local: config.llm.ollamaBaseUrl
        ? new URL(config.llm.ollamaBaseUrl).host
        : config.llm.proxy
          ? 'through the proxy'
          : 'none',
    },
    config.llm.proxy || config.llm.ollamaBaseUrl
      ? 'LLM gateway configured'
      : 'no LLM configured: runbooks and generic options only',
  );
  return createLlmGateway({
    ...(config.llm.proxy ? { proxy: config.llm.proxy } : {}),
    ...(config.llm.ollamaBaseUrl ? { ollama: { baseUrl: config.llm.ollamaBaseUrl } } : {}),
    routing: routing.table,
    quota,
    usage: createLlmUsageLog(deps.pool),
    metrics: deps.metrics,
    logger: deps.logger.child({ component: 'llm' }),
    timeoutMs: config.llm.timeoutMs,
    localTimeoutMs: config.llm.localTimeoutMs,
  });
}
