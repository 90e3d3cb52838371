import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { knownVariables, readConfig } from '../../bot/config/index.ts';
import { repoRoot } from '../helpers/service-process.ts';

interface Service {
  image?: string;
  build?: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  command?: string[];
  configs?: { source: string; target: string }[];
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  configs: Record<string, { content?: string }>;
}

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const compose = parse(read('docker-compose.yml')) as Compose;
const steward = compose.services.steward!;

/**
 * Variables the compose file passes to Steward before the config knows them: each is a contract name
 * from a later issue (4: Signal, 5: LLM gateway). When that issue adds the
 * variable to readConfig it leaves this list, so a typo can never hide here.
 */
const plannedVariables: string[] = [];

/** Substitutes `${VAR}`, `${VAR:-default}`, `${VAR:+alternative}` and `${VAR:?message}` as compose does, from `values`. */
function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([-?+])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    const value = values[name];
    if (kind === '+') return value !== undefined && value !== '' ? (rest ?? '') : '';
    if (value !== undefined && value !== '') return value;
    if (kind === '-') return rest ?? '';
    if (kind === '?') throw new Error(`${name} is required: ${rest}`);
    return '';
  });
}

describe('docker-compose.yml', () => {
  it('runs the whole stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['alertmanager', 'litellm', 'ollama', 'postgres', 'prometheus', 'redis', 'signal-cli-rest-api', 'steward'].sort(),
    );
    expect(compose.services.postgres!.image).toBe('postgres:16');
    expect(compose.services.redis!.image).toBe('redis:7');
    expect(steward.build).toBe('.');
  });

  it('gives every service a healthcheck and every dependency a condition', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test.length, `${name} healthcheck`).toBeGreaterThan(0);
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} depends on unknown ${dependency}`).toBeDefined();
        expect(condition, `${name} → ${dependency}`).toBe('service_healthy');
      }
    }
    expect(Object.keys(steward.depends_on ?? {}).sort()).toEqual(['litellm', 'postgres', 'redis', 'signal-cli-rest-api']);
    expect(steward.healthcheck!.test.join(' ')).toContain('/readyz');
  });

  it('publishes only what a person uses, and signal-cli-rest-api on loopback only', () => {
    const published = Object.fromEntries(Object.entries(compose.services).map(([name, service]) => [name, service.ports ?? []]));
    expect(published).toEqual({
      steward: ['8080:8080'],
      postgres: [],
      redis: [],
      litellm: [],
      ollama: [],
      'signal-cli-rest-api': ['127.0.0.1:8081:8080'],
      prometheus: ['9090:9090'],
      alertmanager: ['9093:9093'],
    });
  });

  it('keeps state in named volumes that are declared', () => {
    const named = Object.values(compose.services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => volume.split(':')[0]!)
      .filter((source) => !source.startsWith('.'));
    expect(new Set(named)).toEqual(new Set(Object.keys(compose.volumes)));
    for (const [service, volume] of [['steward', 'steward-data:/data'], ['postgres', 'postgres-data:/var/lib/postgresql/data'], ['redis', 'redis-data:/data'], ['ollama', 'ollama-data:/root/.ollama'], ['signal-cli-rest-api', 'signal-data:/home/.local/share/signal-cli']]) {
      expect(compose.services[service!]!.volumes).toContain(volume);
    }
  });

  it('mounts config files that exist', () => {
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(() => read(source), source).not.toThrow();
      }
    }
  });

  it('wires every variable Steward needs, and each value passes readConfig', () => {
    const environment = steward.environment!;
    for (const name of ['PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'STEWARD_CONFIG', 'RUNBOOK_DIR', 'ALERTMANAGER_TOKEN', 'COROOT_TOKEN', 'LLM_BASE_URL', 'LLM_API_KEY', 'SIGNAL_API_URL', 'MATTERMOST_URL']) {
      expect(environment, name).toHaveProperty(name);
    }
    for (const name of Object.keys(environment)) {
      expect([...knownVariables, ...plannedVariables], `unknown variable ${name}`).toContain(name);
    }
    const dotenv = Object.fromEntries(
      read('.env.example').split('\n').filter((line) => /^\w+=/.test(line)).map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    const resolved = Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, interpolate(String(value), dotenv)]));
    const config = readConfig(resolved);
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: '/data', runbookDir: '/data/runbooks', redisUrl: 'redis://redis:6379/0' });
    expect(config.databaseUrl).toBe(`postgres://steward:${dotenv.POSTGRES_PASSWORD}@postgres:5432/steward`);
    expect(config.alertmanager.token).toBe(dotenv.ALERTMANAGER_TOKEN);
    expect(config.coroot.token).toBe(dotenv.COROOT_TOKEN);
    expect(config.llm.proxy).toEqual({ baseUrl: 'http://litellm:4000', apiKey: dotenv.LITELLM_MASTER_KEY });
    // Chat is off until its variables are filled in; filled in, both platforms pass readConfig.
    expect(config.signal).toBeUndefined();
    expect(config.mattermost).toBeUndefined();
    const chat = {
      ...dotenv,
      SIGNAL_NUMBER: '+4915112345678',
      SIGNAL_RECIPIENTS: '+4915187654321',
      SIGNAL_APPROVERS: '+4915187654321',
      MATTERMOST_URL: 'https://chat.home.arpa',
      MATTERMOST_TOKEN: 'bot-token-0123456789',
      MATTERMOST_CHANNEL_ID: 'j6j53p28k6urx15fpcgsr20psq',
      MATTERMOST_APPROVERS: 'alice',
    };
    const withChat = readConfig(Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, interpolate(String(value), chat)])));
    expect(withChat.signal).toMatchObject({ apiUrl: 'http://signal-cli-rest-api:8080', number: '+4915112345678' });
    expect(withChat.mattermost).toMatchObject({ url: 'https://chat.home.arpa', channelId: 'j6j53p28k6urx15fpcgsr20psq', approvers: ['alice'] });
  });

  it('refuses to start without the secrets it needs', () => {
    expect(() => interpolate(steward.environment!.DATABASE_URL!, {})).toThrow(/POSTGRES_PASSWORD/);
    expect(() => interpolate(steward.environment!.ALERTMANAGER_TOKEN!, {})).toThrow(/ALERTMANAGER_TOKEN/);
  });

  it('runs signal-cli-rest-api in json-rpc mode', () => {
    expect(compose.services['signal-cli-rest-api']!.environment).toMatchObject({ MODE: 'json-rpc' });
  });

  it('points Alertmanager at Steward with the same bearer token Steward checks', () => {
    const alertmanager = parse(read('deploy/compose/alertmanager.yml')) as {
      route: { receiver: string };
      receivers: { name: string; webhook_configs: { url: string; send_resolved: boolean; http_config: { authorization: { type: string; credentials_file: string } } }[] }[];
    };
    const receiver = alertmanager.receivers.find((r) => r.name === alertmanager.route.receiver)!;
    const webhook = receiver.webhook_configs[0]!;
    expect(webhook.url).toBe('http://steward:8080/webhooks/alertmanager');
    expect(webhook.send_resolved).toBe(true);
    expect(webhook.http_config.authorization.type).toBe('Bearer');
    const mounted = compose.services.alertmanager!.configs!.find((c) => c.target === webhook.http_config.authorization.credentials_file)!;
    expect(compose.configs[mounted.source]!.content).toBe(steward.environment!.ALERTMANAGER_TOKEN);
  });

  it('gives LiteLLM every model alias Steward uses, with local on Ollama', () => {
    const litellm = parse(read('deploy/compose/litellm-config.yaml')) as { model_list: { model_name: string; litellm_params: { model: string; api_base?: string } }[] };
    const aliases = litellm.model_list.map((model) => model.model_name).sort();
    expect(aliases).toEqual(['claude-opus', 'claude-sonnet', 'gemini-flash', 'gemini-pro', 'gemini-thinking', 'local']);
    const local = litellm.model_list.find((model) => model.model_name === 'local')!;
    expect(local.litellm_params.model).toMatch(/^ollama/);
    expect(local.litellm_params.api_base).toBe('http://ollama:11434');
    expect(steward.environment!.LLM_BASE_URL).toBe('http://litellm:4000');
  });

  it('has Prometheus scrape Steward and send alerts to Alertmanager', () => {
    const prometheus = parse(read('deploy/compose/prometheus.yml')) as {
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual(['alertmanager:9093']);
    expect(prometheus.scrape_configs.find((job) => job.job_name === 'steward')!.static_configs[0]!.targets).toEqual(['steward:8080']);
  });
});
