import type { ConfigMap, IContainer, Secret } from 'kubernetes-models/v1';

/** Where a container's variable comes from. */
export type EnvSource = 'literal' | 'configMap' | 'secret' | 'fieldRef';

export interface ResolvedVariable {
  value: string;
  source: EnvSource;
}

/** What the kubelet resolves a pod's variables against. */
export interface EnvContext {
  configMaps: readonly ConfigMap[];
  secrets: readonly Secret[];
  /** `spec.nodeName` of the pod: the node it was scheduled on. */
  nodeName: string;
}

// The API allows references without a name (it defaults to ""): such a reference finds nothing.
function named<T extends ConfigMap | Secret>(objects: readonly T[], name: string | undefined): T | undefined {
  return objects.find((object) => object.metadata?.name === (name ?? ''));
}

function decode(secret: Secret | undefined, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

function required(value: string | undefined, what: string, optional: boolean | undefined): string | undefined {
  if (value === undefined && !optional) throw new Error(`${what} does not exist`);
  return value;
}

/**
 * The environment the kubelet would give `container`, with the source of each variable: `envFrom` in order
 * (a later source wins), then `env` (wins over `envFrom`). A reference to a missing ConfigMap, Secret or key
 * throws unless marked optional, as the kubelet refuses to start such a container. `$(VAR)` expansion and
 * field paths other than `spec.nodeName` are not used by deploy/kubernetes and throw rather than mislead.
 */
export function resolveContainerEnv(container: IContainer, context: EnvContext): Record<string, ResolvedVariable> {
  const env: Record<string, ResolvedVariable> = {};
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const map = named(context.configMaps, from.configMapRef.name);
      if (!map && !from.configMapRef.optional) throw new Error(`ConfigMap ${from.configMapRef.name} does not exist`);
      for (const [key, value] of Object.entries(map?.data ?? {})) env[prefix + key] = { value, source: 'configMap' };
    }
    if (from.secretRef) {
      const secret = named(context.secrets, from.secretRef.name);
      if (!secret && !from.secretRef.optional) throw new Error(`Secret ${from.secretRef.name} does not exist`);
      for (const key of Object.keys(secret?.data ?? {})) env[prefix + key] = { value: decode(secret, key)!, source: 'secret' };
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.value?.includes('$(')) throw new Error(`${variable.name}: $(VAR) expansion is not resolved here`);
    const from = variable.valueFrom;
    let resolved: ResolvedVariable | undefined;
    if (!from) {
      resolved = { value: variable.value ?? '', source: 'literal' };
    } else if (from.configMapKeyRef) {
      const { name, key, optional } = from.configMapKeyRef;
      const value = required(named(context.configMaps, name)?.data?.[key], `ConfigMap ${name} key ${key}`, optional);
      resolved = value === undefined ? undefined : { value, source: 'configMap' };
    } else if (from.secretKeyRef) {
      const { name, key, optional } = from.secretKeyRef;
      const value = required(decode(named(context.secrets, name), key), `Secret ${name} key ${key}`, optional);
      resolved = value === undefined ? undefined : { value, source: 'secret' };
    } else if (from.fieldRef?.fieldPath === 'spec.nodeName') {
      resolved = { value: context.nodeName, source: 'fieldRef' };
    } else {
      throw new Error(`${variable.name}: this valueFrom is not resolved here`);
    }
    if (resolved) env[variable.name] = resolved;
  }
  return env;
}

/** Just the values, as the process sees them in `process.env`. */
export function envValues(env: Record<string, ResolvedVariable>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([name, { value }]) => [name, value]));
}
