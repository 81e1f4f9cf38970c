import { describe, expect, it } from 'vitest';
import { finishedCheck } from '../test-support/checks.js';
import { checkJunit } from './junit.js';

describe('checkJunit', () => {
  it('has one testcase per threshold: fail → failure, inconclusive → skipped, all XML-escaped', () => {
    expect(checkJunit(finishedCheck())).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="bpfleet check syscount" tests="3" failures="1" errors="0" skipped="1">',
        '  <testsuite name="bpfleet check syscount" tests="3" failures="1" errors="0" skipped="1" timestamp="2025-01-02T03:04:05.000Z">',
        '    <properties>',
        '      <property name="check" value="11111111-1111-4111-8111-111111111111"/>',
        '      <property name="verdict" value="fail"/>',
        '      <property name="baseline" value="tag main (job 22222222-2222-4222-8222-222222222222)"/>',
        '      <property name="candidateJob" value="33333333-3333-4333-8333-333333333333"/>',
        '    </properties>',
        '    <testcase classname="bpfleet.check.syscount" name="syscall=getppid">',
        '      <failure message="getppid rose 100% (1000 → 2000), over the +20% limit" type="threshold">limit +20%, baseline 1,000, candidate 2,000, change +100%: getppid rose 100% (1000 → 2000), over the +20% limit</failure>',
        '    </testcase>',
        '    <testcase classname="bpfleet.check.syscount" name="total">',
        '      <system-out>limit +50%, baseline 1,200, candidate 1,250, change +4.2%: total rose 4.2%, within +50%</system-out>',
        '    </testcase>',
        '    <testcase classname="bpfleet.check.syscount" name="function:foo">',
        '      <skipped message="too few samples &lt;100 | &quot;x&quot; &amp; y"/>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('drops the control characters XML 1.0 cannot carry and escapes apostrophes and >', () => {
    const xml = checkJunit(finishedCheck([{ name: "it's>", limit: '+1%', baseline: null, candidate: null, change: null, pValue: null, pass: null, why: 'bell\u0007 tab\tend' }]));
    expect(xml).toContain('<testcase classname="bpfleet.check.syscount" name="it&apos;s&gt;">');
    expect(xml).toContain('<skipped message="bell tab\tend"/>');
  });
});
