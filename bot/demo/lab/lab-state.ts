import { fingerprint } from './fingerprint.ts';

/** One simulated pod: a container with a memory limit, a working set that may leak, and restarts. */
export interface Pod {
  namespace: string;
  name: string;
  container: string;
  limitMiB: number;
  memoryMiB: number;
  /** Growth while it runs; 0 for a healthy pod. */
  leakMiBPerSecond: number;
  /** What the pod settles at after a restart. */
  baselineMiB: number;
  restarts: number;
  startedAt: number;
}

/** An alert of the lab's one rule, as Prometheus hands it to Alertmanager. */
export interface LabAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** Set once the rule stops firing. */
  endsAt?: string;
  fingerprint: string;
}

/** The rule: a container's working set at or above this share of its limit. */
export const MEMORY_THRESHOLD = 0.9;
export const ALERT_NAME = 'PodMemoryNearLimit';
/** The `job` label the lab's alerts carry, as a scrape job would set it; the demo runbook matches it. */
export const LAB_JOB = 'steward-demo-lab';
/** A leaking pod never quite reaches its limit: the runtime spends its time collecting garbage instead. */
const THRASH_SHARE = 0.985;

const MiB = 1;

function initialPods(now: number): Pod[] {
  const pod = (
    namespace: string,
    name: string,
    container: string,
    limitMiB: number,
    memoryMiB: number,
    leak = 0,
  ): Pod => ({
    namespace,
    name,
    container,
    limitMiB,
    memoryMiB,
    leakMiBPerSecond: leak,
    baselineMiB: leak > 0 ? Math.round(limitMiB * 0.3) : memoryMiB,
    restarts: 0,
    startedAt: now - 3 * 86_400_000,
  });
  return [
    // The one in trouble: radarr's working set grows after every library scan.
    pod('media', 'radarr-0', 'radarr', 1024 * MiB, 948, 1.5),
    pod('media', 'sonarr-0', 'sonarr', 1024 * MiB, 412),
    pod('media', 'jellyfin-0', 'jellyfin', 4096 * MiB, 1380),
    pod('home', 'home-assistant-0', 'home-assistant', 2048 * MiB, 655),
  ];
}

/**
 * The simulated homelab: a few pods whose memory moves with time, and the alerting rule over them.
 * Time comes from `now`, so tests can step it. Pure state; no I/O.
 */
export function createLab(options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  let lastTick = now();
  const pods = initialPods(lastTick);
  const alerts = new Map<string, LabAlert>();

  function find(namespace: string, name: string): Pod | undefined {
    return pods.find((pod) => pod.namespace === namespace && pod.name === name);
  }

  /** Moves memory on to now. */
  function advance(): number {
    const at = now();
    const seconds = Math.max(0, (at - lastTick) / 1000);
    lastTick = at;
    for (const pod of pods)
      pod.memoryMiB = Math.max(
        pod.memoryMiB,
        Math.min(pod.limitMiB * THRASH_SHARE, pod.memoryMiB + pod.leakMiBPerSecond * seconds),
      );
    return at;
  }

  /** Advances the simulation to now and evaluates the rule; returns the alerts that changed. */
  function tick(): LabAlert[] {
    const at = advance();
    const changed: LabAlert[] = [];
    for (const pod of pods) {
      const labels = {
        alertname: ALERT_NAME,
        container: pod.container,
        job: LAB_JOB,
        namespace: pod.namespace,
        pod: pod.name,
        severity: 'warning',
      };
      const key = fingerprint(labels);
      const current = alerts.get(key);
      const firing = pod.memoryMiB >= pod.limitMiB * MEMORY_THRESHOLD;
      if (firing && (!current || current.endsAt)) {
        const share = Math.round((pod.memoryMiB / pod.limitMiB) * 100);
        const alert: LabAlert = {
          labels,
          annotations: {
            summary: `Pod ${pod.namespace}/${pod.name} is using ${share}% of its memory limit`,
            description: `Container ${pod.container} in pod ${pod.namespace}/${pod.name} uses ${Math.round(pod.memoryMiB)} MiB of its ${pod.limitMiB} MiB limit and keeps growing.`,
          },
          startsAt: new Date(at).toISOString(),
          fingerprint: key,
        };
        alerts.set(key, alert);
        changed.push(alert);
      } else if (!firing && current && !current.endsAt) {
        current.endsAt = new Date(at).toISOString();
        changed.push(current);
      }
    }
    return changed;
  }

  return {
    tick,

    pods(namespace?: string): readonly Pod[] {
      advance();
      return pods.filter((pod) => namespace === undefined || pod.namespace === namespace);
    },

    pod(namespace: string, name: string): Pod | undefined {
      advance();
      return find(namespace, name);
    },

    /** Firing alerts, and resolved ones still remembered. */
    alerts(): readonly LabAlert[] {
      return [...alerts.values()];
    },

    /** Restarts the container in place (as the kubelet does): its memory is back to baseline. */
    restart(namespace: string, name: string): Pod | undefined {
      advance();
      const pod = find(namespace, name);
      if (!pod) return undefined;
      pod.memoryMiB = pod.baselineMiB;
      pod.restarts += 1;
      pod.startedAt = now();
      return pod;
    },

    /** Forgets resolved alerts once Alertmanager has said so. */
    forget(key: string): void {
      if (alerts.get(key)?.endsAt) alerts.delete(key);
    },
  };
}

export type Lab = ReturnType<typeof createLab>;
