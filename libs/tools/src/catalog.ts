import type { ToolDefinition } from './definition.js';
import type { ToolImplementation } from './runtime/runner.js';
import { argdist } from './argdist/argdist.schema.js';
import { bpftrace } from './bpftrace/bpftrace.schema.js';
import { cpudist } from './cpudist/cpudist.schema.js';
import { cpufreq } from './cpufreq/cpufreq.schema.js';
import { execsnoop } from './execsnoop/execsnoop.schema.js';
import { exitsnoop } from './exitsnoop/exitsnoop.schema.js';
import { funccount } from './funccount/funccount.schema.js';
import { offcputime } from './offcputime/offcputime.schema.js';
import { oomkill } from './oomkill/oomkill.schema.js';
import { profile } from './profile/profile.schema.js';
import { runqlat } from './runqlat/runqlat.schema.js';
import { runqlen } from './runqlen/runqlen.schema.js';
import { runqslower } from './runqslower/runqslower.schema.js';
import { soaccept } from './soaccept/soaccept.schema.js';
import { sockstat } from './sockstat/sockstat.schema.js';
import { soconnect } from './soconnect/soconnect.schema.js';
import { sofamily } from './sofamily/sofamily.schema.js';
import { soprotocol } from './soprotocol/soprotocol.schema.js';
import { stackcount } from './stackcount/stackcount.schema.js';
import { syscount } from './syscount/syscount.schema.js';
import { tcpaccept } from './tcpaccept/tcpaccept.schema.js';
import { tcpconnect } from './tcpconnect/tcpconnect.schema.js';
import { trace } from './trace/trace.schema.js';

/** One catalog entry: the pure definition, and how to load its runtime half (native: the agent only). */
interface CatalogEntry<D extends ToolDefinition<any, any>> {
  definition: D;
  load: () => Promise<{ default: ToolImplementation<D> }>;
}

const tool = <D extends ToolDefinition<any, any>>(definition: D, load: CatalogEntry<D>['load']): CatalogEntry<D> => ({ definition, load });

/**
 * Every tool bpfleet offers, listed once: adding a tool is its folder plus one line here. The runtime
 * half is imported lazily, so importing the catalog (as the API does) loads no native code; the types
 * tie each runtime module to its own definition.
 */
export const CATALOG: readonly CatalogEntry<any>[] = [
  tool(execsnoop, () => import('./execsnoop/execsnoop.js')),
  tool(exitsnoop, () => import('./exitsnoop/exitsnoop.js')),
  tool(syscount, () => import('./syscount/syscount.js')),
  tool(runqlat, () => import('./runqlat/runqlat.js')),
  tool(runqslower, () => import('./runqslower/runqslower.js')),
  tool(runqlen, () => import('./runqlen/runqlen.js')),
  tool(cpudist, () => import('./cpudist/cpudist.js')),
  tool(cpufreq, () => import('./cpufreq/cpufreq.js')),
  tool(profile, () => import('./profile/profile.js')),
  tool(offcputime, () => import('./offcputime/offcputime.js')),
  tool(oomkill, () => import('./oomkill/oomkill.js')),
  tool(sockstat, () => import('./sockstat/sockstat.js')),
  tool(soconnect, () => import('./soconnect/soconnect.js')),
  tool(soaccept, () => import('./soaccept/soaccept.js')),
  tool(sofamily, () => import('./sofamily/sofamily.js')),
  tool(soprotocol, () => import('./soprotocol/soprotocol.js')),
  tool(tcpconnect, () => import('./tcpconnect/tcpconnect.js')),
  tool(tcpaccept, () => import('./tcpaccept/tcpaccept.js')),
  tool(funccount, () => import('./funccount/funccount.js')),
  tool(stackcount, () => import('./stackcount/stackcount.js')),
  tool(trace, () => import('./trace/trace.js')),
  tool(argdist, () => import('./argdist/argdist.js')),
  tool(bpftrace, () => import('./bpftrace/bpftrace.js')),
];

/** Every tool's definition, by name. Pure data: safe to import from the API. */
export const TOOL_CATALOG: ReadonlyMap<string, ToolDefinition<any, any>> = new Map(CATALOG.map((e) => [e.definition.name, e.definition]));
