import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { knownVariables, parseStructuredConfig, secretVariables } from '../../bot/config/index.ts';
import { readPolicy } from '../../bot/flow/policy-config.ts';
import { repoRoot } from '../helpers/service-process.ts';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

const dir = path.join(repoRoot, 'deploy/kubernetes');
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

const documents = (file: string): Manifest[] => parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((document) => document.toJS() as Manifest);

/** What `kustomize build` does with this kustomization's fields: namespace, metadata labels, images. */
function build(): Manifest[] {
  const kustomization = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as { namespace: string; labels: { pairs: Record<string, string> }[]; resources: string[]; images: { name: string; newName: string; newTag: string }[] };
  const built = kustomization.resources.flatMap(documents).map((manifest) => {
    const copy = structuredClone(manifest);
    if (copy.kind !== 'Namespace') copy.metadata.namespace = kustomization.namespace;
    copy.metadata.labels = { ...copy.metadata.labels, ...Object.assign({}, ...kustomization.labels.map((label) => label.pairs)) };
    return copy;
  });
  for (const manifest of built.filter((candidate) => candidate.kind === 'Deployment')) {
    for (const container of podSpec(manifest).containers) {
      const image = kustomization.images.find((candidate) => candidate.name === container.image);
      if (image) container.image = `${image.newName}:${image.newTag}`;
    }
  }
  return built;
}

interface Container {
  name: string;
  image: string;
  ports: { name: string; containerPort: number }[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  volumes: { name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string } }[];
}
const podSpec = (deployment: Manifest) => (deployment.spec as { template: { spec: PodSpec } }).template.spec;
const podLabels = (deployment: Manifest) => (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('deploy/kubernetes (kustomize for K3s)', () => {
  const manifests = build();
  const find = (kind: string, name: string) => manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  const deployment = find('Deployment', 'steward')!;
  const container = podSpec(deployment).containers[0]!;
  const secret = documents('secret.example.yaml')[0]!;

  it('lists only files that exist, and every document is valid against the Kubernetes schema', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(8);
    for (const manifest of [...manifests, secret]) {
      const Model = models[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model, `${manifest.apiVersion} ${manifest.kind} is not a kind this test knows`).toBeDefined();
      expect(() => new Model!(manifest as never).validate(), `${manifest.kind}/${manifest.metadata.name}`).not.toThrow();
      if (manifest.kind !== 'Namespace') expect(manifest.metadata.namespace).toBe('steward');
    }
    // The checker can fail: a wrong type and a missing required field are caught.
    expect(() => new Deployment({ ...deployment, spec: { ...(deployment.spec as object), replicas: 'two' } } as never).validate()).toThrow(/replicas must be integer/);
    expect(() => new Service({ ...find('Service', 'steward')!, spec: { ports: [{ name: 'http' }] } } as never).validate()).toThrow(/port/);
  });

  it('runs two replicas with probes on /healthz and /readyz and small resource requests', () => {
    expect((deployment.spec as { replicas: number }).replicas).toBe(2);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.resources.requests).toEqual({ cpu: '50m', memory: '160Mi' });
    expect(container.resources.limits.memory).toBe('384Mi');
    expect(container.image).toBe('ghcr.io/example/steward:0.1.0');
  });

  it('wires every reference: config, secret, volumes, the Service and the disruption budget', () => {
    const config = find('ConfigMap', 'steward-config')!;
    const data = config.data as Record<string, string>;
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'steward-config' } }, { secretRef: { name: secret.metadata.name } }]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: Number(data.PORT) }]);
    for (const volume of podSpec(deployment).volumes) {
      if (volume.configMap) expect(find('ConfigMap', volume.configMap.name), volume.name).toBeDefined();
      if (volume.persistentVolumeClaim) expect(find('PersistentVolumeClaim', volume.persistentVolumeClaim.claimName), volume.name).toBeDefined();
      expect(container.volumeMounts.some((mount) => mount.name === volume.name), `${volume.name} is mounted`).toBe(true);
    }
    expect(container.volumeMounts.find((mount) => mount.name === 'runbooks')!.mountPath).toBe(data.RUNBOOK_DIR);
    expect(`${container.volumeMounts.find((mount) => mount.name === 'config')!.mountPath}/steward.yaml`).toBe(data.STEWARD_CONFIG);

    const service = find('Service', 'steward')!.spec as { selector: Record<string, string>; ports: { targetPort: string }[] };
    expect(matches(service.selector, podLabels(deployment))).toBe(true);
    expect(container.ports.map((port) => port.name)).toContain(service.ports[0]!.targetPort);
    const budget = find('PodDisruptionBudget', 'steward')!.spec as { selector: { matchLabels: Record<string, string> }; minAvailable: number };
    expect(matches(budget.selector.matchLabels, podLabels(deployment))).toBe(true);
    expect(budget.minAvailable).toBe(1);
  });

  it('sets only variables Steward knows, keeps secrets out of the ConfigMap, and ships a valid STEWARD_CONFIG', () => {
    const data = find('ConfigMap', 'steward-config')!.data as Record<string, string>;
    const secretKeys = Object.keys(secret.stringData as Record<string, string>);
    for (const key of [...Object.keys(data), ...secretKeys]) expect(knownVariables, key).toContain(key);
    for (const key of Object.keys(data)) expect(secretVariables, `${key} is a secret and belongs in the Secret`).not.toContain(key);
    expect(secretKeys).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'ALERTMANAGER_TOKEN', 'COROOT_TOKEN']));
    const file = (find('ConfigMap', 'steward-file')!.data as Record<string, string>)['steward.yaml']!;
    expect(readPolicy(parseStructuredConfig(file, 'steward-file').policy).redlines).toContain('delete_*');
    expect(existsSync(path.join(dir, 'README.md'))).toBe(true);
  });
});
