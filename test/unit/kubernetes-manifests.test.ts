import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import {
  ConfigError,
  knownVariables,
  parseStructuredConfig,
  readConfig,
  secretVariables,
} from '../../bot/config/index.ts';
import { readPolicy } from '../../bot/flow/policy-config.ts';
import { repoRoot } from '../helpers/service-process.ts';

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

const root = path.join(repoRoot, 'deploy/kubernetes');
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

const documents = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((document) => document.toJS() as Manifest);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key, anything else is replaced: strategic merge as far as these patches need it. */
function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(target) || !isObject(patch)) return structuredClone(patch);
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch))
    merged[key] = key in target ? merge(target[key], value) : structuredClone(value);
  return merged;
}

interface Kustomization {
  namespace?: string;
  labels?: { pairs: Record<string, string> }[];
  resources: string[];
  patches?: { path: string }[];
  images?: { name: string; newName: string; newTag: string }[];
}

/**
 * What `kubectl kustomize` makes of the fields these kustomizations use (resources, nested
 * kustomizations, namespace, metadata labels, patches, images), failing on any reference that does
 * not resolve: a missing resource file or folder, or a patch whose target is not among the resources.
 */
function build(dir: string): Manifest[] {
  const kustomization = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const manifests = kustomization.resources.flatMap((resource) => {
    const where = path.join(dir, resource);
    if (!existsSync(where)) throw new Error(`${path.relative(root, dir) || '.'}: resource ${resource} does not exist`);
    return statSync(where).isDirectory() ? build(where) : documents(where);
  });
  for (const { path: file } of kustomization.patches ?? []) {
    if (!existsSync(path.join(dir, file))) throw new Error(`${path.relative(root, dir)}: patch ${file} does not exist`);
    const patch = documents(path.join(dir, file))[0]!;
    const index = manifests.findIndex(
      (manifest) => manifest.kind === patch.kind && manifest.metadata.name === patch.metadata.name,
    );
    if (index < 0)
      throw new Error(
        `${path.relative(root, dir)}: patch ${file} targets ${patch.kind}/${patch.metadata.name}, which is not among the resources`,
      );
    manifests[index] = merge(manifests[index], patch) as Manifest;
  }
  // Then the transformers, over everything gathered (what this kustomization lists and what its bases made).
  const labels = Object.assign({}, ...(kustomization.labels ?? []).map((label) => label.pairs)) as Record<
    string,
    string
  >;
  return manifests.map((manifest) => {
    const copy = structuredClone(manifest);
    if (kustomization.namespace && copy.kind !== 'Namespace') copy.metadata.namespace = kustomization.namespace;
    if (Object.keys(labels).length > 0) copy.metadata.labels = { ...copy.metadata.labels, ...labels };
    for (const container of copy.kind === 'Deployment' ? podSpec(copy).containers : []) {
      const image = kustomization.images?.find((candidate) => candidate.name === container.image);
      if (image) container.image = `${image.newName}:${image.newTag}`;
    }
    return copy;
  });
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** `kubectl kustomize` itself, where it is installed (the CI machine has it; it needs no cluster). */
function kubectlBuild(dir: string): Manifest[] {
  return parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map(
    (document) => document.toJS() as Manifest,
  );
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
interface Container {
  name: string;
  image: string;
  ports: { name: string; containerPort: number }[];
  envFrom: { configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }[];
  env?: EnvVar[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext: { runAsNonRoot: boolean; runAsUser: number };
  volumes: {
    name: string;
    configMap?: { name: string; items?: { key: string }[] };
    persistentVolumeClaim?: { claimName: string };
  }[];
}
const podSpec = (deployment: Manifest) => (deployment.spec as { template: { spec: PodSpec } }).template.spec;
const podLabels = (deployment: Manifest) =>
  (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

const secret = documents(path.join(root, 'secret.example.yaml'))[0]!;
const secretData = secret.stringData as Record<string, string>;
/** The keys secret.example.yaml offers commented out (`# NAME: value`), as a reader would uncomment them. */
const commentedSecretKeys = Object.fromEntries(
  [...readFileSync(path.join(root, 'secret.example.yaml'), 'utf8').matchAll(/^ {2}# ([A-Z][A-Z0-9_]*): (.+)$/gm)].map(
    (match) => [match[1]!, match[2]!],
  ),
);

/** The container's environment as the kubelet makes it: envFrom in order, then env; a key the Secret lacks is simply absent. */
function containerEnv(manifests: Manifest[], secretValues: Record<string, string>): Record<string, string> {
  const container = podSpec(manifests.find((manifest) => manifest.kind === 'Deployment')!).containers[0]!;
  const env: Record<string, string> = {};
  for (const source of container.envFrom) {
    if (source.configMapRef)
      Object.assign(
        env,
        manifests.find(
          (manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === source.configMapRef!.name,
        )!.data,
      );
    if (source.secretRef) Object.assign(env, secretValues);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (ref && ref.key in secretValues) env[variable.name] = secretValues[ref.key]!;
    else if (ref && !ref.optional) throw new Error(`couldn't find key ${ref.key} in Secret ${ref.name}`);
  }
  return env;
}

const overlays = { base: root, 'two-replicas': path.join(root, 'two-replicas') };

describe('deploy/kubernetes (kustomize for K3s)', () => {
  for (const [name, dir] of Object.entries(overlays)) {
    describe(name, () => {
      const manifests = build(dir);
      const find = (kind: string, resource: string) =>
        manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === resource);
      const deployment = find('Deployment', 'steward')!;
      const container = podSpec(deployment).containers[0]!;

      it.skipIf(!kubectl)(
        `renders as kubectl kustomize does${kubectl ? '' : ' (skipped: kubectl is not installed)'}`,
        () => {
          const rendered = kubectlBuild(dir);
          const key = (manifest: Manifest) => `${manifest.kind}/${manifest.metadata.name}`;
          expect(rendered.map(key).sort()).toEqual(manifests.map(key).sort());
          for (const manifest of rendered)
            expect(
              manifests.find((candidate) => key(candidate) === key(manifest)),
              key(manifest),
            ).toEqual(manifest);
        },
      );

      it('lists only files that exist, and every document is valid against the Kubernetes schema', () => {
        expect(manifests.length).toBeGreaterThanOrEqual(6);
        for (const manifest of [...manifests, secret]) {
          const Model = models[`${manifest.apiVersion}/${manifest.kind}`];
          expect(Model, `${manifest.apiVersion} ${manifest.kind} is not a kind this test knows`).toBeDefined();
          expect(
            () => new Model!(manifest as never).validate(),
            `${manifest.kind}/${manifest.metadata.name}`,
          ).not.toThrow();
          if (manifest.kind !== 'Namespace')
            expect(manifest.metadata.namespace, `${manifest.kind}/${manifest.metadata.name}`).toBe('steward');
        }
        for (const manifest of manifests)
          expect(manifest.metadata.labels, `${manifest.kind}/${manifest.metadata.name}`).toMatchObject({
            'app.kubernetes.io/part-of': 'steward',
          });
        // The checker can fail: a wrong type and a missing required field are caught.
        expect(() =>
          new Deployment({
            ...deployment,
            spec: { ...(deployment.spec as object), replicas: 'two' },
          } as never).validate(),
        ).toThrow(/replicas must be integer/);
        expect(() =>
          new Service({ ...find('Service', 'steward')!, spec: { ports: [{ name: 'http' }] } } as never).validate(),
        ).toThrow(/port/);
      });

      it('wires every reference: ConfigMaps and their keys, the Secret and its keys, any claim, the Service and any disruption budget', () => {
        const data = find('ConfigMap', 'steward-config')!.data as Record<string, string>;
        expect(container.envFrom).toEqual([
          { configMapRef: { name: 'steward-config' } },
          { secretRef: { name: secret.metadata.name } },
        ]);
        for (const source of container.envFrom) {
          if (source.configMapRef)
            expect(find('ConfigMap', source.configMapRef.name), source.configMapRef.name).toBeDefined();
        }
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom!.secretKeyRef!;
          expect(ref.name).toBe(secret.metadata.name);
          expect(secretData, `${variable.name} ← ${ref.key}`).toHaveProperty(ref.key);
        }
        expect(container.ports).toEqual([{ name: 'http', containerPort: Number(data.PORT) }]);
        for (const volume of podSpec(deployment).volumes) {
          if (volume.configMap) {
            const map = find('ConfigMap', volume.configMap.name);
            expect(map, volume.name).toBeDefined();
            for (const item of volume.configMap.items ?? [])
              expect(map!.data, `${volume.name} ${item.key}`).toHaveProperty(item.key);
          }
          if (volume.persistentVolumeClaim)
            expect(find('PersistentVolumeClaim', volume.persistentVolumeClaim.claimName), volume.name).toBeDefined();
          expect(
            container.volumeMounts.some((mount) => mount.name === volume.name),
            `${volume.name} is mounted`,
          ).toBe(true);
        }
        for (const mount of container.volumeMounts)
          expect(
            podSpec(deployment).volumes.some((volume) => volume.name === mount.name),
            mount.name,
          ).toBe(true);
        expect(container.volumeMounts.find((mount) => mount.name === 'runbooks')!.mountPath).toBe(data.RUNBOOK_DIR);
        expect(`${container.volumeMounts.find((mount) => mount.name === 'config')!.mountPath}/steward.yaml`).toBe(
          data.STEWARD_CONFIG,
        );
        expect(
          find(
            'ServiceAccount',
            (deployment.spec as { template: { spec: { serviceAccountName: string } } }).template.spec
              .serviceAccountName,
          ),
        ).toBeDefined();

        const service = find('Service', 'steward')!.spec as {
          selector: Record<string, string>;
          ports: { targetPort: string }[];
        };
        expect(matches(service.selector, podLabels(deployment))).toBe(true);
        expect(container.ports.map((port) => port.name)).toContain(service.ports[0]!.targetPort);
        const replicas = (deployment.spec as { replicas: number }).replicas;
        for (const budget of manifests.filter((manifest) => manifest.kind === 'PodDisruptionBudget')) {
          const spec = budget.spec as { selector: { matchLabels: Record<string, string> }; minAvailable: number };
          expect(matches(spec.selector.matchLabels, podLabels(deployment))).toBe(true);
          // A budget that keeps every replica would block every node drain.
          expect(spec.minAvailable).toBeLessThan(replicas);
        }
      });

      it('runs non-root and read-only with probes on /healthz and /readyz and small resource requests', () => {
        expect(podSpec(deployment).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
        expect(container.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
        expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
        expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(container.resources.requests).toEqual({ cpu: '50m', memory: '160Mi' });
        expect(container.resources.limits.memory).toBe('384Mi');
        expect(container.image).toBe(
          `ghcr.io/example/steward:${(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}`,
        );
      });
    });
  }

  it('needs no volume claim: one replica on stock K3s, the runbook folder a per-pod mirror of the database, rolled with one always up', () => {
    const manifests = build(root);
    const deployment = manifests.find((manifest) => manifest.kind === 'Deployment')!.spec as {
      replicas: number;
      strategy: unknown;
      template: { spec: { volumes: { name: string; emptyDir?: unknown; persistentVolumeClaim?: unknown }[] } };
    };
    expect(deployment.replicas).toBe(1);
    // Nothing ties the pod to a node: the new pod starts before the old one goes.
    expect(deployment.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(manifests.some((manifest) => manifest.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(deployment.template.spec.volumes.find((volume) => volume.name === 'runbooks')).toMatchObject({
      emptyDir: { sizeLimit: '64Mi' },
    });
    expect(deployment.template.spec.volumes.some((volume) => volume.persistentVolumeClaim)).toBe(false);
    expect(manifests.some((manifest) => manifest.kind === 'PodDisruptionBudget')).toBe(false);
  });

  it('runs two replicas without a ReadWriteMany volume (runbook state is in PostgreSQL), rolling with one always up', () => {
    const manifests = build(overlays['two-replicas']);
    const deployment = manifests.find((manifest) => manifest.kind === 'Deployment')!.spec as {
      replicas: number;
      strategy: unknown;
      template: { spec: { volumes: { persistentVolumeClaim?: unknown }[] } };
    };
    expect(deployment.replicas).toBe(2);
    expect(deployment.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(manifests.some((manifest) => manifest.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(deployment.template.spec.volumes.some((volume) => volume.persistentVolumeClaim)).toBe(false);
    expect(JSON.stringify(manifests)).not.toContain('ReadWriteMany');
  });

  it('fails on a reference that does not resolve', () => {
    expect(() => build(path.join(repoRoot, 'test/fixtures/kustomize-broken/missing-resource'))).toThrow(
      /resource deployment\.yaml does not exist/,
    );
    expect(() => build(path.join(repoRoot, 'test/fixtures/kustomize-broken/patch-without-target'))).toThrow(
      /targets Deployment\/steward, which is not among the resources/,
    );
  });

  describe('settings', () => {
    const manifests = build(root);
    const data = manifests.find(
      (manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === 'steward-config',
    )!.data as Record<string, string>;
    const required = { DATABASE_URL: secretData.DATABASE_URL!, ALERTMANAGER_TOKEN: secretData.ALERTMANAGER_TOKEN! };

    it('sets only variables Steward knows, keeps secrets out of the ConfigMap, and ships a valid STEWARD_CONFIG', () => {
      for (const key of [...Object.keys(data), ...Object.keys(secretData), ...Object.keys(commentedSecretKeys)])
        expect(knownVariables, key).toContain(key);
      for (const key of Object.keys(data))
        expect(secretVariables, `${key} is a secret and belongs in the Secret`).not.toContain(key);
      for (const key of secretVariables)
        expect(
          { ...secretData, ...commentedSecretKeys },
          `${key} is not offered in secret.example.yaml`,
        ).toHaveProperty(key);
      const file = (
        manifests.find((manifest) => manifest.metadata.name === 'steward-file')!.data as Record<string, string>
      )['steward.yaml']!;
      expect(readPolicy(parseStructuredConfig(file, 'steward-file').policy).redlines).toContain('delete_*');
      expect(existsSync(path.join(root, 'README.md'))).toBe(true);
    });

    it('starts with the required keys alone: no platform left out is a start-up error', () => {
      const config = readConfig(containerEnv(manifests, required));
      expect(config).toMatchObject({
        host: '0.0.0.0',
        port: 8080,
        runbookDir: '/runbooks',
        timezone: 'Europe/Berlin',
        autonomyMode: 'learning',
        databaseUrl: required.DATABASE_URL,
      });
      expect(config.signal).toBeUndefined();
      expect(config.mattermost).toBeUndefined();
      expect(config.llm.proxy).toBeUndefined();
      expect(config.coroot.token).toBeUndefined();
      // The ConfigMap names no platform's address: with one there, the Secret could not leave that platform out.
      for (const key of ['SIGNAL_API_URL', 'LLM_BASE_URL', 'MATTERMOST_URL', 'OLLAMA_BASE_URL'])
        expect(data, key).not.toHaveProperty(key);
    });

    it('starts with every optional key empty, as `kubectl create secret --from-env-file` passes `KEY=` lines', () => {
      const empty = Object.fromEntries(Object.keys({ ...secretData, ...commentedSecretKeys }).map((key) => [key, '']));
      const config = readConfig(containerEnv(manifests, { ...empty, ...required }));
      expect(config.signal).toBeUndefined();
      expect(config.redisUrl).toBeUndefined();
    });

    it('turns each platform on with its whole group from the example, and names what is missing from half a group', () => {
      const all = { ...secretData, ...commentedSecretKeys };
      const config = readConfig(containerEnv(manifests, all));
      expect(config.signal).toMatchObject({ apiUrl: secretData.SIGNAL_API_URL, number: secretData.SIGNAL_NUMBER });
      expect(config.llm.proxy).toMatchObject({ baseUrl: secretData.LLM_BASE_URL });
      expect(config.mattermost).toMatchObject({ url: commentedSecretKeys.MATTERMOST_URL });
      expect(config.github.token).toBe(commentedSecretKeys.GITHUB_TOKEN);
      expect(config.coroot.token).toBe(commentedSecretKeys.COROOT_TOKEN);
      for (const key of ['SIGNAL_NUMBER', 'LLM_API_KEY', 'MATTERMOST_CHANNEL_ID']) {
        const rest = Object.fromEntries(Object.entries(all).filter(([name]) => name !== key));
        expect(() => readConfig(containerEnv(manifests, rest)), key).toThrow(ConfigError);
        expect(() => readConfig(containerEnv(manifests, rest)), key).toThrow(new RegExp(`${key} is required to use`));
      }
    });

    it('does not start a pod without DATABASE_URL', () => {
      expect(() => containerEnv(manifests, { ALERTMANAGER_TOKEN: required.ALERTMANAGER_TOKEN })).toThrow(
        /couldn't find key DATABASE_URL/,
      );
    });
  });

  it('says in its README what stock K3s gets and what two replicas need', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const phrase of [
      'local-path',
      'emptyDir',
      'No ReadWriteMany volume',
      'RUNBOOK_SYNC_INTERVAL',
      'two-replicas',
      'kubectl apply -k deploy/kubernetes',
      'docs/runbook-state.md',
    ])
      expect(readme, phrase).toContain(phrase);
  });
});
