import { useEffect, useRef, useState } from 'preact/hooks';
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { forgetToken, onTokenChange, readToken } from './api/session';
import { CompareScreen } from './compare/compare-screen';
import { Page } from './components/page';
import { CheckScreen, ChecksScreen } from './screens/checks';
import { HostsScreen } from './screens/hosts';
import { JobScreen } from './screens/job';
import { JobsScreen } from './screens/jobs';
import { LoginScreen } from './screens/login';
import { NewJobScreen } from './screens/new-job';
import { ScheduleScreen, SchedulesScreen } from './screens/schedules';
import { routes } from './routes';

const NAV: [href: string, label: string][] = [
  [routes.jobs(), 'Jobs'],
  [routes.newJob(), 'New job'],
  [routes.hosts(), 'Hosts'],
  [routes.compare(), 'Compare'],
  [routes.checks(), 'Checks'],
  [routes.schedules(), 'Schedules'],
];

/** The whole UI: the login form until a token is kept, then the screens. */
export function App() {
  const [token, setToken] = useState(readToken);
  useEffect(() => onTokenChange(() => setToken(readToken())), []);
  return <LocationProvider>{token ? <Shell /> : <LoginScreen />}</LocationProvider>;
}

function Shell() {
  const { path, url } = useLocation();
  const first = useRef(true);
  // After a navigation, move focus to the new screen's heading, as a page load would for a screen reader.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('page-title')?.focus();
  }, [path]);
  const current = (href: string) => (href === '/jobs' ? path === '/jobs' || (path.startsWith('/jobs/') && path !== '/jobs/new') : path === href);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          bpfleet
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={current(href) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="logout" onClick={forgetToken}>
          Log out
        </button>
      </header>
      <main id="main" data-url={url}>
        <Router>
          <Route path="/" component={JobsScreen} />
          <Route path="/jobs" component={JobsScreen} />
          <Route path="/jobs/new" component={NewJobScreen} />
          <Route path="/jobs/:id" component={JobScreen} />
          <Route path="/hosts" component={HostsScreen} />
          <Route path="/compare" component={CompareScreen} />
          <Route path="/checks" component={ChecksScreen} />
          <Route path="/checks/:id" component={CheckScreen} />
          <Route path="/schedules" component={SchedulesScreen} />
          <Route path="/schedules/:id" component={ScheduleScreen} />
          <Route default component={NotFound} />
        </Router>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <Page title="Not found">
      <p>
        There is no such screen. <a href={routes.jobs()}>Back to the jobs</a>.
      </p>
    </Page>
  );
}
