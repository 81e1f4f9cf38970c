import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';

export const KUBERNETES_DIR = resolve(import.meta.dirname, '../../deploy/kubernetes');

/**
 * The kinds deploy/kubernetes may use, each with its kubernetes-models class: `validate()` checks an object
 * against the official Kubernetes OpenAPI schema of that kind. A kind missing here fails the loading.
 */
const MODELS = [Namespace, ConfigMap, Secret, Service, Deployment, DaemonSet, PodDisruptionBudget];

export type KubernetesObject = InstanceType<(typeof MODELS)[number]>;

/** The parts of kustomization.yaml that deploy/kubernetes uses. */
export interface Kustomization {
  namespace: string;
  resources: string[];
  secretGenerator: { name: string; envs: string[] }[];
}

export function readKustomization(dir = KUBERNETES_DIR): Kustomization {
  const raw = load(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Partial<Kustomization>;
  if (typeof raw.namespace !== 'string' || !Array.isArray(raw.resources)) {
    throw new Error('kustomization.yaml: namespace and resources are expected');
  }
  return { namespace: raw.namespace, resources: raw.resources, secretGenerator: raw.secretGenerator ?? [] };
}

/** One parsed manifest as its kubernetes-models class; throws for a kind that has none in {@link MODELS}. */
export function toModel(raw: unknown): KubernetesObject {
  for (const model of MODELS) {
    // Each guard narrows `raw` to its own kind; the classes share no constructor signature TypeScript can unify.
    if (model.is(raw)) return new (model as new (data: unknown) => KubernetesObject)(raw);
  }
  const meta = raw as { apiVersion?: string; kind?: string };
  throw new Error(`no kubernetes-models class for ${meta.apiVersion}/${meta.kind}: add it to MODELS`);
}

/** Every document of a multi-document YAML text, as models. */
export function parseManifests(text: string): KubernetesObject[] {
  return loadAll(text)
    .filter((doc) => doc !== null && doc !== undefined)
    .map(toModel);
}

/**
 * An env file as kustomize's secretGenerator reads it: `KEY=VALUE` lines, blank lines and `#` comments
 * skipped, the value taken verbatim after the first `=`.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const equals = trimmed.indexOf('=');
    if (equals < 1) throw new Error(`env file line is not KEY=VALUE: "${trimmed}"`);
    entries[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return entries;
}

/**
 * The objects `kubectl apply -k` would create, without kustomize: every file of `resources`, plus each
 * secretGenerator's Secret made from the committed `<env>.example` (never from a real credentials file) and
 * named without kustomize's content hash. The images transformer is not applied (the schemas do not care).
 */
export function loadKubernetesObjects(dir = KUBERNETES_DIR): KubernetesObject[] {
  const kustomization = readKustomization(dir);
  const resources = kustomization.resources.flatMap((file) => parseManifests(readFileSync(join(dir, file), 'utf8')));
  const secrets = kustomization.secretGenerator.map(
    (generator) =>
      new Secret({
        metadata: { name: generator.name },
        type: 'Opaque',
        data: Object.fromEntries(
          generator.envs
            .flatMap((env) => Object.entries(parseEnvFile(readFileSync(join(dir, `${env}.example`), 'utf8'))))
            .map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
        ),
      }),
  );
  return [...resources, ...secrets];
}

/** The one object of class `model` named `name`; throws when there is none. */
export function findObject<T extends KubernetesObject>(
  objects: readonly KubernetesObject[],
  model: abstract new (...args: never[]) => T,
  name: string,
): T {
  const found = objects.find((object): object is T => object instanceof model && object.metadata?.name === name);
  if (!found) throw new Error(`no ${model.name} named ${name}`);
  return found;
}
