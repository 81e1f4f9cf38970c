import { api, expectOk } from '../api/client';
import { useResource } from '../api/use-resource';
import { Page } from '../components/page';
import { Loading, Problem } from '../components/problem';
import { StatusBadge } from '../components/status';
import { formatAgo, formatTime } from '../format';

const REFRESH_MS = 5000;

/** Every host whose agent ever sent a heartbeat: status, kernel, capabilities, labels, last seen. */
export function HostsScreen() {
  const hosts = useResource('hosts', (signal) => expectOk(api.GET('/v1/hosts', { signal })), () => REFRESH_MS);
  const now = Date.now();
  return (
    <Page title="Hosts">
      <Problem error={hosts.error} />
      {!hosts.data ? (
        !hosts.error && <Loading what="hosts" />
      ) : hosts.data.length === 0 ? (
        <p>No agent has sent a heartbeat yet. Start one with <code>./dev.sh agent NAME</code>.</p>
      ) : (
        <table class="data">
          <caption class="visually-hidden">Hosts, refreshed every {REFRESH_MS / 1000} s</caption>
          <thead>
            <tr>
              <th scope="col">Host</th>
              <th scope="col">Status</th>
              <th scope="col">Kernel</th>
              <th scope="col">Capabilities</th>
              <th scope="col">Labels</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {hosts.data.map((host) => {
              const capabilities = Object.entries(host.capabilities);
              const missing = capabilities.filter(([, has]) => !has).map(([name]) => name);
              return (
                <tr key={host.name}>
                  <th scope="row">
                    <a href={`/jobs?host=${encodeURIComponent(host.name)}`} title={`Jobs on ${host.name}`}>
                      {host.name}
                    </a>
                  </th>
                  <td>
                    <StatusBadge status={host.status} />
                  </td>
                  <td>
                    <code>{host.kernel}</code>
                  </td>
                  <td>
                    <ul class="chips">
                      {capabilities
                        .filter(([, has]) => has)
                        .map(([name]) => (
                          <li key={name}>{name}</li>
                        ))}
                    </ul>
                    {missing.length > 0 && <p class="hint">lacks: {missing.join(', ')}</p>}
                  </td>
                  <td>
                    <ul class="chips">
                      {Object.entries(host.labels).map(([key, value]) => (
                        <li key={key}>
                          {key}={value}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <time dateTime={host.lastSeen} title={formatTime(host.lastSeen)}>
                      {formatAgo(host.lastSeen, now)}
                    </time>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Page>
  );
}
