/** The UI's URLs, built in one place so links and navigation agree. */

const query = (params: Record<string, string | null | undefined>): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const routes = {
  hosts: () => '/hosts',
  jobs: (filters: Record<string, string | null | undefined> = {}) => `/jobs${query(filters)}`,
  newJob: (from: { tool?: string; like?: string } = {}) => `/jobs/new${query(from)}`,
  job: (id: string, runId?: string) => `/jobs/${id}${query({ run: runId })}`,
  compare: (base?: string, target?: string, by?: string) => `/compare${query({ base, target, by })}`,
  checks: () => '/checks',
  check: (id: string) => `/checks/${id}`,
  schedules: () => '/schedules',
  schedule: (id: string) => `/schedules/${id}`,
};
