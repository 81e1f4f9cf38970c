import type { Check } from '../api/types.js';
import { describeBaseline, thresholdRow } from './outcome.js';

/**
 * A finished check as JUnit XML, for CI test reports: one testsuite, one testcase per threshold named
 * after it; a failed threshold has a <failure>, one that could not be judged is <skipped>, both with the
 * API's `why` as message. Text and attributes are XML-escaped; characters XML 1.0 cannot carry are dropped.
 */
export function checkJunit(check: Check): string {
  const rows = check.thresholds.map(thresholdRow);
  const failures = rows.filter((row) => row.result === 'fail').length;
  const skipped = rows.filter((row) => row.result === 'inconclusive').length;
  const suite = `bpfleet check ${check.tool}`;
  const counts = `tests="${rows.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  const cases = rows.map((row) => {
    const open = `    <testcase classname="${xml(`bpfleet.check.${check.tool}`)}" name="${xml(row.name)}"`;
    const detail = `limit ${row.limit}, baseline ${row.baseline || '?'}, candidate ${row.candidate || '?'}, change ${row.change || '?'}: ${row.why}`;
    if (row.result === 'fail') return `${open}>\n      <failure message="${xml(row.why)}" type="threshold">${xml(detail)}</failure>\n    </testcase>`;
    if (row.result === 'inconclusive') return `${open}>\n      <skipped message="${xml(row.why)}"/>\n    </testcase>`;
    return `${open}>\n      <system-out>${xml(detail)}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suite)}" ${counts}>`,
    `  <testsuite name="${xml(suite)}" ${counts} timestamp="${xml(check.createdAt)}">`,
    '    <properties>',
    `      <property name="check" value="${xml(check.id)}"/>`,
    `      <property name="verdict" value="${xml(check.verdict ?? 'none')}"/>`,
    `      <property name="baseline" value="${xml(describeBaseline(check))}"/>`,
    `      <property name="candidateJob" value="${xml(check.candidateJobId)}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escaped for XML text and attribute values; control characters other than tab and line breaks removed. */
const xml = (text: string): string =>
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
