/**
 * What any deployment of bpfleet must give its processes, whatever the orchestrator (docs/deployment.md,
 * docs/agent.md). The variables each process requires are not listed here: the tests run the processes' own
 * config loaders on the environment a deployment gives them.
 */

/**
 * The host filesystems the agent mounts at the same path, and whether read-only: BTF (CO-RE relocation),
 * tracefs and debugfs (tracepoint ids, probe registration), bpffs, and the cgroup tree (cgroup filters).
 */
export const AGENT_HOST_MOUNTS: readonly { path: string; readOnly: boolean }[] = [
  { path: '/sys/kernel/btf', readOnly: true },
  { path: '/sys/kernel/tracing', readOnly: false },
  { path: '/sys/kernel/debug', readOnly: false },
  { path: '/sys/fs/bpf', readOnly: false },
  { path: '/sys/fs/cgroup', readOnly: true },
];

/** Variables that carry credentials: they come from Secrets (or a private env file), never from config. */
export const CREDENTIAL_VARIABLES = ['DATABASE_URL', 'REDIS_URL', 'BPFLEET_ADMIN_TOKEN'] as const;

/** A config key whose name says it holds a credential. */
export const CREDENTIAL_NAME = /PASSWORD|TOKEN|SECRET|CREDENTIAL|_URL$/i;

/** A URL with a user or password in it (`scheme://user:password@host`). */
export const URL_WITH_USERINFO = /\/\/[^/\s]*@/;
