import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { knownVariables, parseStructuredConfig, readConfig } from '../../bot/config/index.ts';
import { aliasNames } from '../../bot/llm/route-request.ts';
import { readRoutingConfig } from '../../bot/llm/routing-config.ts';
import { repoRoot } from '../helpers/service-process.ts';

interface Dependency {
  condition: string;
  required?: boolean;
}
interface Service {
  image?: string;
  build?: string;
  profiles?: string[];
  restart?: string;
  ports?: string[];
  env_file?: { path: string; required?: boolean }[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, Dependency>;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
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

/** An env file as compose reads it (`NAME=value`); with `commented`, also the `# NAME=default` lines that show defaults. */
function envFile(file: string, options: { commented?: boolean } = {}): Record<string, string> {
  const line = options.commented ? /^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/ : /^([A-Z][A-Z0-9_]*)=(.*)$/;
  return Object.fromEntries(
    read(file)
      .split('\n')
      .flatMap((text) => {
        const match = line.exec(text);
        return match ? [[match[1]!, match[2]!] as const] : [];
      }),
  );
}

const dotenv = envFile('.env.example');
const stewardEnv = envFile('steward.env.example');

/** What Steward's process sees: the env_file, then `environment:` over it (compose's precedence), interpolated. */
function stewardProcessEnv(
  values: Record<string, string>,
  file: Record<string, string> = stewardEnv,
): Record<string, string> {
  const environment = Object.fromEntries(
    Object.entries(steward.environment!).map(([name, value]) => [name, interpolate(String(value), values)]),
  );
  return { ...file, ...environment };
}

/** Variables Steward reads that this stack has no use for: Alertmanager here sends a bearer token, and `local` goes through LiteLLM. */
const notForThisStack = ['ALERTMANAGER_USER', 'ALERTMANAGER_PASSWORD', 'OLLAMA_BASE_URL'];

const profiles: Record<string, string[]> = {
  ollama: ['ollama', 'ollama-pull'],
  signal: ['signal-cli-rest-api'],
  mattermost: ['mattermost', 'mattermost-postgres'],
  coroot: ['coroot', 'coroot-node-agent', 'coroot-prometheus', 'coroot-clickhouse'],
};
const core = ['steward', 'postgres', 'redis', 'litellm', 'prometheus', 'alertmanager'];
const oneShot = (service: Service) => service.restart === 'no';

describe('docker-compose.yml', () => {
  it('runs the core stack by default and each optional service behind its profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...core, ...Object.values(profiles).flat()].sort());
    for (const name of core) expect(compose.services[name]!.profiles, name).toBeUndefined();
    for (const [profile, services] of Object.entries(profiles)) {
      for (const name of services) expect(compose.services[name]!.profiles, name).toEqual([profile]);
    }
    expect(compose.services.postgres!.image).toBe('postgres:16');
    expect(compose.services.redis!.image).toBe('redis:7');
    expect(steward.build).toBe('.');
  });

  it('starts the core without any optional service: no required dependency and no required variable outside the core', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition, required }] of Object.entries(service.depends_on ?? {})) {
        const target = compose.services[dependency];
        expect(target, `${name} depends on unknown ${dependency}`).toBeDefined();
        // A dependency on a service another profile may leave out must be optional (compose's `required: false`).
        const sameProfiles = JSON.stringify(target!.profiles ?? []) === JSON.stringify(service.profiles ?? []);
        if (!sameProfiles && target!.profiles) expect(required, `${name} → ${dependency}`).toBe(false);
        if (condition === 'service_healthy')
          expect(target!.healthcheck?.test.length, `${dependency} needs a healthcheck for ${name}`).toBeGreaterThan(0);
        if (oneShot(target!))
          expect(condition, `${name} → one-shot ${dependency}`).toBe('service_completed_successfully');
      }
    }
    // Compose interpolates every service whatever the profiles: an optional one may require nothing.
    for (const name of Object.values(profiles).flat()) {
      expect(() => interpolate(JSON.stringify(compose.services[name]), {}), name).not.toThrow();
    }
    expect(() => interpolate(read('docker-compose.yml'), dotenv)).not.toThrow();
  });

  it('does not make Steward wait for signal-cli unless the signal profile runs it, nor for the local model', () => {
    expect(steward.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      litellm: { condition: 'service_healthy' },
      'signal-cli-rest-api': { condition: 'service_healthy', required: false },
    });
    expect(compose.services.litellm!.depends_on).toBeUndefined();
    expect(steward.healthcheck!.test.join(' ')).toContain('/readyz');
  });

  it('gives every long-running core service a healthcheck', () => {
    for (const name of core) expect(compose.services[name]!.healthcheck?.test.length, name).toBeGreaterThan(0);
  });

  it('pulls the model LiteLLM calls `local` once, in a one-shot service after Ollama is up', () => {
    const pull = compose.services['ollama-pull']!;
    expect(oneShot(pull)).toBe(true);
    expect(pull.image).toBe(compose.services.ollama!.image);
    expect(pull.depends_on).toEqual({ ollama: { condition: 'service_healthy' } });
    expect(pull.environment!.OLLAMA_HOST).toBe('http://ollama:11434');
    const litellm = parse(read('deploy/compose/litellm-config.yaml')) as {
      model_list: { model_name: string; litellm_params: { model: string; api_base?: string } }[];
    };
    const local = litellm.model_list.find((model) => model.model_name === 'local')!;
    const tag = /^ollama(?:_chat)?\/(.+)$/.exec(local.litellm_params.model)![1]!;
    expect([...pull.entrypoint!, ...pull.command!]).toEqual(['ollama', 'pull', tag]);
    expect(local.litellm_params.api_base).toBe(
      `http://ollama:${/:(\d+)$/.exec(compose.services.ollama!.environment!.OLLAMA_HOST!)![1]}`,
    );
  });

  it('asks LiteLLM only for model groups it has: every alias in the shipped STEWARD_CONFIG', () => {
    const litellm = parse(read('deploy/compose/litellm-config.yaml')) as { model_list: { model_name: string }[] };
    const groups = litellm.model_list.map((model) => model.model_name);
    expect(groups.sort()).toEqual([...aliasNames].sort());
    const file = interpolate(
      steward.volumes!.find((volume) => volume.endsWith(':/etc/steward/steward.yaml:ro'))!,
      dotenv,
    ).split(':')[0]!;
    const routing = readRoutingConfig(parseStructuredConfig(read(file), file).routing);
    for (const alias of aliasNames)
      expect(groups, `${alias} → ${routing.table.models[alias]}`).toContain(routing.table.models[alias]);
    expect(steward.environment!.LLM_BASE_URL).toBe('http://litellm:4000');
  });

  it('publishes only what a person uses, and signal-cli-rest-api on loopback only', () => {
    const published = Object.fromEntries(
      Object.entries(compose.services)
        .filter(([, service]) => service.ports)
        .map(([name, service]) => [name, service.ports]),
    );
    expect(published).toEqual({
      steward: ['8080:8080'],
      'signal-cli-rest-api': ['127.0.0.1:8081:8080'],
      mattermost: ['8065:8065'],
      coroot: ['8082:8080'],
      prometheus: ['9090:9090'],
      alertmanager: ['9093:9093'],
    });
  });

  it('keeps state in named volumes that are declared', () => {
    const named = Object.values(compose.services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => volume.split(':')[0]!)
      .filter((source) => !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('$'));
    expect(new Set(named)).toEqual(new Set(Object.keys(compose.volumes)));
    for (const [service, volume] of [
      ['steward', 'steward-data:/data'],
      ['postgres', 'postgres-data:/var/lib/postgresql/data'],
      ['redis', 'redis-data:/data'],
      ['ollama', 'ollama-data:/root/.ollama'],
      ['signal-cli-rest-api', 'signal-data:/home/.local/share/signal-cli'],
    ]) {
      expect(compose.services[service!]!.volumes).toContain(volume);
    }
  });

  it('mounts config files that exist', () => {
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = interpolate(volume, dotenv).split(':')[0]!;
        if (source.startsWith('./')) expect(() => read(source), source).not.toThrow();
      }
    }
  });

  it('passes Steward only variables it reads: env_file and environment both (bot/config/env-schema.ts)', () => {
    expect(steward.env_file).toEqual([{ path: 'steward.env', required: true }]);
    for (const name of [
      ...Object.keys(steward.environment!),
      ...Object.keys(envFile('steward.env.example', { commented: true })),
    ]) {
      expect(knownVariables, `unknown variable ${name}`).toContain(name);
    }
    // The file compose reads as is: no interpolation, no quotes to be taken literally.
    for (const [name, value] of Object.entries(stewardEnv)) expect(value, name).not.toMatch(/[$"']/);
  });

  it('lets the operator set every other variable Steward reads in steward.env, TZ, AUTONOMY_MODE and RUNBOOK_GIT among them', () => {
    const offered = envFile('steward.env.example', { commented: true });
    const setByStack = Object.keys(steward.environment!);
    for (const name of knownVariables) {
      if (setByStack.includes(name) || notForThisStack.includes(name)) continue;
      expect(offered, `${name} is not in steward.env.example`).toHaveProperty(name);
    }
    for (const name of setByStack)
      expect(offered, `${name} is set by the stack; steward.env would be overridden`).not.toHaveProperty(name);
    expect(stewardEnv).toMatchObject({ TZ: 'UTC', AUTONOMY_MODE: 'verbose', RUNBOOK_GIT: 'false' });
    // The commented defaults are the real defaults: uncommented, they change nothing.
    const defaults = readConfig(stewardProcessEnv(dotenv));
    expect(readConfig(stewardProcessEnv(dotenv, offered))).toEqual(defaults);
  });

  it('starts Steward from the example files: no Coroot, Signal or Mattermost needed, each on once filled in', () => {
    const config = readConfig(stewardProcessEnv(dotenv));
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/data',
      runbookDir: '/data/runbooks',
      redisUrl: 'redis://redis:6379/0',
      timezone: 'UTC',
      autonomyMode: 'verbose',
      runbookGit: false,
    });
    expect(config.databaseUrl).toBe(`postgres://steward:${dotenv.POSTGRES_PASSWORD}@postgres:5432/steward`);
    expect(config.alertmanager.token).toBe(dotenv.ALERTMANAGER_TOKEN);
    expect(config.coroot.token).toBeUndefined();
    expect(config.llm.proxy).toEqual({ baseUrl: 'http://litellm:4000', apiKey: dotenv.LITELLM_MASTER_KEY });
    expect(config.signal).toBeUndefined();
    expect(config.mattermost).toBeUndefined();

    const filled = {
      ...stewardEnv,
      TZ: 'Europe/Berlin',
      AUTONOMY_MODE: 'selective',
      RUNBOOK_GIT: 'true',
      COROOT_TOKEN: 'coroot-token-0123456789',
      SIGNAL_API_URL: 'http://signal-cli-rest-api:8080',
      SIGNAL_NUMBER: '+4915112345678',
      SIGNAL_RECIPIENTS: '+4915187654321',
      SIGNAL_APPROVERS: '+4915187654321',
      MATTERMOST_URL: 'https://chat.home.arpa',
      MATTERMOST_TOKEN: 'bot-token-0123456789',
      MATTERMOST_CHANNEL_ID: 'j6j53p28k6urx15fpcgsr20psq',
      MATTERMOST_APPROVERS: 'alice',
      PUBLIC_URL: 'http://steward:8080',
    };
    const withAll = readConfig(stewardProcessEnv(dotenv, filled));
    expect(withAll).toMatchObject({
      timezone: 'Europe/Berlin',
      autonomyMode: 'selective',
      runbookGit: true,
      coroot: { token: 'coroot-token-0123456789' },
    });
    expect(withAll.signal).toMatchObject({ apiUrl: 'http://signal-cli-rest-api:8080', number: '+4915112345678' });
    expect(withAll.mattermost).toMatchObject({
      url: 'https://chat.home.arpa',
      channelId: 'j6j53p28k6urx15fpcgsr20psq',
      approvers: ['alice'],
    });
    // What the stack decides wins over steward.env.
    expect(
      readConfig(
        stewardProcessEnv(dotenv, { ...stewardEnv, DATA_DIR: '/elsewhere', REDIS_URL: 'redis://other:6379/1' }),
      ),
    ).toMatchObject({ dataDir: '/data', redisUrl: 'redis://redis:6379/0' });
  });

  it('refuses to start without the secrets the core needs', () => {
    expect(() => interpolate(steward.environment!.DATABASE_URL!, {})).toThrow(/POSTGRES_PASSWORD/);
    expect(() => interpolate(steward.environment!.ALERTMANAGER_TOKEN!, {})).toThrow(/ALERTMANAGER_TOKEN/);
    expect(() => interpolate(steward.environment!.LLM_API_KEY!, {})).toThrow(/LITELLM_MASTER_KEY/);
    expect(steward.environment).not.toHaveProperty('COROOT_TOKEN');
  });

  it('runs signal-cli-rest-api in json-rpc mode', () => {
    expect(compose.services['signal-cli-rest-api']!.environment).toMatchObject({ MODE: 'json-rpc' });
  });

  it("lets Mattermost call Steward's buttons on the internal network", () => {
    const mattermost = compose.services.mattermost!.environment!;
    expect(mattermost.MM_SERVICESETTINGS_ALLOWEDUNTRUSTEDINTERNALCONNECTIONS).toBe('steward');
    expect(interpolate(mattermost.MM_SQLSETTINGS_DATASOURCE!, dotenv)).toBe(
      `postgres://mattermost:${dotenv.MATTERMOST_DB_PASSWORD}@mattermost-postgres:5432/mattermost?sslmode=disable&connect_timeout=10`,
    );
    expect(compose.services['mattermost-postgres']!.environment!.POSTGRES_PASSWORD).toBe('${MATTERMOST_DB_PASSWORD:-}');
  });

  it('points Alertmanager at Steward with the same bearer token Steward checks', () => {
    const alertmanager = parse(read('deploy/compose/alertmanager.yml')) as {
      route: { receiver: string };
      receivers: {
        name: string;
        webhook_configs: {
          url: string;
          send_resolved: boolean;
          http_config: { authorization: { type: string; credentials_file: string } };
        }[];
      }[];
    };
    const receiver = alertmanager.receivers.find((r) => r.name === alertmanager.route.receiver)!;
    const webhook = receiver.webhook_configs[0]!;
    expect(webhook.url).toBe('http://steward:8080/webhooks/alertmanager');
    expect(webhook.send_resolved).toBe(true);
    expect(webhook.http_config.authorization.type).toBe('Bearer');
    const mounted = compose.services.alertmanager!.configs!.find(
      (c) => c.target === webhook.http_config.authorization.credentials_file,
    )!;
    expect(compose.configs[mounted.source]!.content).toBe(steward.environment!.ALERTMANAGER_TOKEN);
  });

  it('has Prometheus scrape Steward and send alerts to Alertmanager', () => {
    const prometheus = parse(read('deploy/compose/prometheus.yml')) as {
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual(['alertmanager:9093']);
    expect(prometheus.scrape_configs.find((job) => job.job_name === 'steward')!.static_configs[0]!.targets).toEqual([
      'steward:8080',
    ]);
  });

  it("has Prometheus load Steward's own alerting rules, and every rule file it names from a file the stack mounts", () => {
    const prometheus = parse(read('deploy/compose/prometheus.yml')) as { rule_files: string[] };
    const mounts = new Map(
      compose.services.prometheus!.volumes!.map((volume) => {
        const [source, target] = volume.split(':');
        return [target!, source!];
      }),
    );
    const sources = prometheus.rule_files.map((file) => {
      const source = mounts.get(file);
      expect(source, `${file} is not mounted into Prometheus`).toBeDefined();
      return source!;
    });
    expect(sources).toContain('./deploy/prometheus/steward-rules.yml');
    // Read and parsed: a rules file that is missing or empty fails here, not when Prometheus starts.
    const alerts = sources.flatMap((source) => {
      const rules = parse(read(source)) as { groups?: { rules: { alert?: string }[] }[] } | null;
      expect(rules?.groups, `${source} has no groups`).toBeDefined();
      return rules!.groups!.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    });
    expect(alerts).toContain('StewardDown');
    // The same alert from two files would reach the owner twice.
    expect(alerts.filter((alert, index) => alerts.indexOf(alert) !== index)).toEqual([]);
  });

  it('gives Coroot the stores it was published with, privately, and no credential of Steward', () => {
    const coroot = compose.services.coroot!;
    expect(coroot.command).toEqual(
      expect.arrayContaining([
        '--bootstrap-prometheus-url=http://coroot-prometheus:9090',
        '--bootstrap-clickhouse-address=coroot-clickhouse:9000',
      ]),
    );
    expect(compose.services['coroot-prometheus']!.command).toContain('--web.enable-remote-write-receiver');
    expect(compose.services['coroot-node-agent']!.command).toContain('--collector-endpoint=http://coroot:8080');
    for (const name of profiles.coroot!)
      expect(JSON.stringify(compose.services[name]), name).not.toMatch(
        /COROOT_TOKEN|ALERTMANAGER_TOKEN|POSTGRES_PASSWORD/,
      );
  });
});
