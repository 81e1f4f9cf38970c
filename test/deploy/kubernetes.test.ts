import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, type IContainer, type IPodTemplateSpec } from 'kubernetes-models/v1';
import { loadConfig, loadMigrateConfig } from '../../apps/api/src/config.js';
import { loadWorkerConfig } from '../../apps/worker/src/config.js';
import { envValues, resolveContainerEnv, type EnvContext } from './container-env.js';
import { findObject, KUBERNETES_DIR, loadKubernetesObjects, parseManifests, readKustomization } from './kubernetes-manifests.js';
import { AGENT_HOST_MOUNTS, CREDENTIAL_NAME, CREDENTIAL_VARIABLES, URL_WITH_USERINFO } from './requirements.js';

// No cluster runs here: these tests validate the manifests against the Kubernetes OpenAPI schemas
// (kubernetes-models) and check what bpfleet needs of them; nothing is applied.
const objects = loadKubernetesObjects();
const NODE_NAME = 'ip-10-0-3-17.eu-west-1.compute.internal';
const context: EnvContext = {
  configMaps: objects.filter((o) => o instanceof ConfigMap),
  secrets: objects.filter((o) => o instanceof Secret),
  nodeName: NODE_NAME,
};

const agent = findObject(objects, DaemonSet, 'bpfleet-agent');
const api = findObject(objects, Deployment, 'bpfleet-api');

function container(template: IPodTemplateSpec | undefined, name: string, init = false): IContainer {
  const found = (init ? template?.spec?.initContainers : template?.spec?.containers)?.find((c) => c.name === name);
  if (!found) throw new Error(`no ${init ? 'init ' : ''}container ${name}`);
  return found;
}

const agentContainer = container(agent.spec?.template, 'agent');
const apiContainer = container(api.spec?.template, 'api');
const migrateContainer = container(api.spec?.template, 'migrate', true);

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

describe('deploy/kubernetes', () => {
  it('holds exactly the objects bpfleet needs, each valid against the Kubernetes OpenAPI schema of its kind', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([
      'ConfigMap/bpfleet-agent',
      'ConfigMap/bpfleet-api',
      'ConfigMap/bpfleet-fleet',
      'DaemonSet/bpfleet-agent',
      'Deployment/bpfleet-api',
      'Namespace/bpfleet',
      'PodDisruptionBudget/bpfleet-api',
      'Secret/bpfleet-agent',
      'Secret/bpfleet-api',
      'Service/bpfleet-api',
    ]);
    for (const object of objects) {
      expect(() => object.validate(), `${object.kind}/${object.metadata?.name}`).not.toThrow();
    }
  });

  it('rejects what the schemas forbid (the validator is really applied)', () => {
    const broken = structuredClone(agent.toJSON()) as { spec: { template: { spec: { hostPID: unknown } } } };
    broken.spec.template.spec.hostPID = 'yes';
    expect(() => parseManifests(JSON.stringify(broken))[0]!.validate()).toThrow('hostPID must be boolean');
  });

  it.skipIf(!hasKubectl)('builds with kustomize (kubectl kustomize) into the same objects, each valid', () => {
    // kustomize reads the real credential files: give it copies of the committed examples in a scratch copy.
    const scratch = mkdtempSync(join(tmpdir(), 'bpfleet-kustomize-'));
    try {
      cpSync(KUBERNETES_DIR, scratch, { recursive: true });
      for (const generator of readKustomization().secretGenerator) {
        for (const env of generator.envs) cpSync(join(scratch, `${env}.example`), join(scratch, env));
      }
      const built = parseManifests(execFileSync('kubectl', ['kustomize', scratch], { encoding: 'utf8' }));
      const withoutHash = (name = '') => name.replace(/-[a-z0-9]{10}$/, '');
      expect(built.map((o) => `${o.kind}/${o.kind === 'Secret' ? withoutHash(o.metadata?.name) : o.metadata?.name}`).sort()).toEqual(
        objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort(),
      );
      for (const object of built) {
        // kustomize wraps long base64 values over lines; the API server's decoder skips newlines, the
        // schema's "byte" format does not.
        if (object instanceof Secret) {
          for (const [key, value] of Object.entries(object.data ?? {})) object.data![key] = value.replace(/\n/g, '');
        }
        expect(() => object.validate(), `${object.kind}/${object.metadata?.name}`).not.toThrow();
        if (object.kind !== 'Namespace') expect(object.metadata?.namespace).toBe('bpfleet');
      }
      // The hashed Secret names reach every reference, and the image every container.
      const builtAgent = findObject(built, DaemonSet, 'bpfleet-agent');
      const secretNames = built.filter((o) => o instanceof Secret).map((o) => o.metadata?.name);
      const ref = builtAgent.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === 'REDIS_URL')?.valueFrom?.secretKeyRef?.name;
      expect(secretNames).toContain(ref);
      expect(builtAgent.spec?.template.spec?.containers[0]?.image).toBe('registry.example.com/bpfleet:0.1.0');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('puts everything into the namespace that allows privileged pods', () => {
    const namespace = findObject(objects, Namespace, readKustomization().namespace);
    expect(namespace.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
  });

  it('selects its own pods: workload selectors match their templates, the Service and the budget the API pods', () => {
    const apiPodLabels = api.spec?.template.metadata?.labels ?? {};
    expect(apiPodLabels).toMatchObject(api.spec?.selector.matchLabels ?? { missing: true });
    expect(agent.spec?.template.metadata?.labels).toMatchObject(agent.spec?.selector.matchLabels ?? { missing: true });
    expect(apiPodLabels).toMatchObject(findObject(objects, Service, 'bpfleet-api').spec?.selector ?? { missing: true });
    expect(apiPodLabels).toMatchObject(findObject(objects, PodDisruptionBudget, 'bpfleet-api').spec?.selector?.matchLabels ?? { missing: true });
    // The agent's pods must not be picked up by the API's Service, nor the other way round.
    expect(agent.spec?.template.metadata?.labels).not.toMatchObject(api.spec?.selector.matchLabels ?? {});
  });

  describe('the agent DaemonSet', () => {
    it('is privileged, in the host pid namespace, with every kernel filesystem mounted from the host', () => {
      const pod = agent.spec?.template.spec;
      expect(pod?.hostPID).toBe(true);
      expect(agentContainer.securityContext?.privileged).toBe(true);
      const mounts = AGENT_HOST_MOUNTS.map(({ path }) => {
        const mount = agentContainer.volumeMounts?.find((m) => m.mountPath === path);
        const volume = pod?.volumes?.find((v) => v.name === mount?.name);
        return { path, hostPath: volume?.hostPath?.path, readOnly: mount?.readOnly ?? false };
      });
      expect(mounts).toEqual(AGENT_HOST_MOUNTS.map(({ path, readOnly }) => ({ path, hostPath: path, readOnly })));
    });

    it('is named after its node and publishes the fleet labels, with everything its config requires', () => {
      const env = resolveContainerEnv(agentContainer, context);
      expect(env.BPFLEET_HOST_NAME).toEqual({ value: NODE_NAME, source: 'fieldRef' });
      const config = loadWorkerConfig(envValues(env));
      expect(config.hostName).toBe(NODE_NAME);
      expect(config.labels).toEqual({ platform: 'kubernetes' });
      expect(config.concurrency).toBe(2);
      expect(config.allowCustomPrograms).toBe(false);
      expect(config.redisUrl).toBe('redis://redis.example.internal:6379');
    });

    it("logs in to Redis as its node's own user, from the node's credential file: no shared Redis password, no database URL, no admin token", () => {
      const env = resolveContainerEnv(agentContainer, context);
      expect(Object.keys(env).filter((name) => env[name]!.source === 'secret')).toEqual(['REDIS_URL']);
      expect(new URL(envValues(env).REDIS_URL!).password).toBe('');
      const { credentialsFile } = loadWorkerConfig(envValues(env));
      const mount = agentContainer.volumeMounts?.find((m) => credentialsFile.startsWith(`${m.mountPath}/`));
      expect(mount?.readOnly).toBe(true);
      const volume = agent.spec?.template.spec?.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.hostPath).toEqual({ path: '/etc/bpfleet', type: 'Directory' });
      expect(env.DATABASE_URL).toBeUndefined();
      expect(env.BPFLEET_ADMIN_TOKEN).toBeUndefined();
      expect(agent.spec?.template.spec?.automountServiceAccountToken).toBe(false);
    });

    it('runs on every node whatever its taints, and never two agents on one node during an update', () => {
      expect(agent.spec?.template.spec?.tolerations).toContainEqual({ operator: 'Exists' });
      expect(agent.spec?.updateStrategy?.type).toBe('RollingUpdate');
      expect(agent.spec?.updateStrategy?.rollingUpdate?.maxSurge ?? 0).toBe(0);
    });
  });

  describe('the API Deployment', () => {
    it('gets everything its config requires, and one admin token shared by every replica', () => {
      const env = envValues(resolveContainerEnv(apiContainer, context));
      const config = loadConfig(env);
      expect(config.databaseUrl).toBe('postgres://bpfleet:CHANGE-ME@postgres.example.internal:5432/bpfleet');
      expect(config.redisUrl).toBe('redis://:CHANGE-ME@redis.example.internal:6379');
      expect(config.adminToken).toBe('CHANGE-ME-openssl-rand-hex-24');
      expect(config.host).toBe('0.0.0.0');
      const http = apiContainer.ports?.find((p) => p.name === 'http');
      expect(config.port).toBe(http?.containerPort);
      // Jobs reach agents only when both use the same queue prefix.
      expect(config.queuePrefix).toBe(loadWorkerConfig(envValues(resolveContainerEnv(agentContainer, context))).queuePrefix);
    });

    it('migrates the database in every pod before the API starts', () => {
      expect(migrateContainer.command).toEqual(['node', 'dist/apps/api/src/migrate.js']);
      expect(apiContainer.command).toEqual(['node', 'dist/apps/api/src/main.js']);
      expect(migrateContainer.image).toBe(apiContainer.image);
      expect(loadMigrateConfig(envValues(resolveContainerEnv(migrateContainer, context))).databaseUrl).toBe(
        'postgres://bpfleet:CHANGE-ME@postgres.example.internal:5432/bpfleet',
      );
    });

    it('is ready when Postgres and Redis answer (/readyz) and alive while the process answers (/healthz)', () => {
      expect(apiContainer.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(apiContainer.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(apiContainer.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
      // /readyz pings Postgres and Redis with 1 s timeouts each.
      expect(apiContainer.readinessProbe?.timeoutSeconds).toBeGreaterThanOrEqual(3);
      expect(findObject(objects, Service, 'bpfleet-api').spec?.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
      expect(api.spec?.replicas).toBeGreaterThan(1);
    });
  });

  it('keeps credentials in Secrets: none in a ConfigMap, none written into a pod spec', () => {
    for (const map of context.configMaps) {
      for (const [key, value] of Object.entries(map.data ?? {})) {
        expect(key, `${map.metadata?.name}.${key}`).not.toMatch(CREDENTIAL_NAME);
        expect(value, `${map.metadata?.name}.${key}`).not.toMatch(URL_WITH_USERINFO);
      }
    }
    for (const each of [agentContainer, apiContainer, migrateContainer]) {
      const env = resolveContainerEnv(each, context);
      for (const name of CREDENTIAL_VARIABLES) {
        if (env[name]) expect(env[name].source, `${each.name}: ${name}`).toBe('secret');
      }
    }
  });

  it('sets a memory limit on every container', () => {
    for (const each of [agentContainer, apiContainer, migrateContainer]) {
      expect(each.resources?.limits?.memory, each.name).toBeDefined();
      expect(each.resources?.requests?.memory, each.name).toBeDefined();
    }
  });

  it('commits examples of the credential files, and git ignores the real ones', () => {
    const envs = readKustomization().secretGenerator.flatMap((g) => g.envs);
    expect(envs).toEqual(['secrets/api.env', 'secrets/agent.env']);
    const committed = readdirSync(join(KUBERNETES_DIR, 'secrets'));
    for (const env of envs) {
      expect(committed).toContain(`${env.slice('secrets/'.length)}.example`);
      expect(spawnSync('git', ['check-ignore', '--quiet', '--no-index', env], { cwd: KUBERNETES_DIR }).status, env).toBe(0);
    }
  });
});
