import { describe, expect, it } from 'vitest';
import { agentAclRules } from './agent-acl.js';

describe(agentAclRules.name, () => {
  it("grants one host's agent its queue, its keys, its end requests (read only), its channel and its own results", () => {
    const rules = agentAclRules('bpfleet', 'db-1');
    expect(rules.filter((rule) => /^(%R)?[~&]/.test(rule))).toEqual([
      '~bpfleet:trace-host-db-1:*',
      '~bpfleet:agent:db-1:*',
      '%R~bpfleet:cancel:host:db-1:run:*',
      '&bpfleet:cancel:host:db-1',
      '~bpfleet:trace-results:wait',
      '~bpfleet:trace-results:paused',
      '~bpfleet:trace-results:meta',
      '~bpfleet:trace-results:id',
      '~bpfleet:trace-results:completed',
      '~bpfleet:trace-results:delayed',
      '~bpfleet:trace-results:active',
      '~bpfleet:trace-results:events',
      '~bpfleet:trace-results:marker',
      '~bpfleet:trace-results:db-1@*',
    ]);
    expect(rules.slice(0, 3)).toEqual(['resetkeys', 'resetchannels', '-@all']);
    expect(rules).toContain('-@dangerous');
    expect(rules).toContain('-publish');
  });
});
