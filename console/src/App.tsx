import { useEffect, useState } from 'preact/hooks';
import { onSignOut, signOut } from './api';
import { Link, match, navigate, useLocation } from './router';
import { readToken } from './session';
import { Logs } from './pages/Logs';
import { Overview } from './pages/Overview';
import { SignIn } from './pages/SignIn';
import { TargetPage } from './pages/Target';

const NAV = [
  { href: '/', label: 'Overview', active: (p: string) => p === '/' || p.startsWith('/targets') },
  { href: '/logs', label: 'Provisioning logs', active: (p: string) => p.startsWith('/logs') },
];

export function App() {
  const [signedIn, setSignedIn] = useState(() => readToken() !== null);
  const [reason, setReason] = useState<string | null>(null);
  const loc = useLocation();

  useEffect(
    () =>
      onSignOut((why) => {
        setReason(why);
        setSignedIn(false);
      }),
    [],
  );

  // A new page: its title, and the focus on its heading (screen readers announce the page).
  useEffect(() => {
    const h1 = document.querySelector<HTMLElement>('main h1');
    document.title = `${h1?.textContent ?? 'Console'} · SCIM gateway`;
    if (signedIn) h1?.focus({ preventScroll: true });
  }, [loc.path, signedIn]);

  if (!signedIn)
    return (
      <SignIn
        reason={reason}
        onSignedIn={() => {
          setReason(null);
          setSignedIn(true);
        }}
      />
    );

  const target = match('/targets/:id', loc.path);
  let page;
  if (loc.path === '/') page = <Overview />;
  else if (target) page = <TargetPage key={target.id} id={target.id} />;
  else if (loc.path === '/logs') page = <Logs loc={loc} />;
  else
    page = (
      <>
        <h1 tabIndex={-1}>Page not found</h1>
        <p>
          There is no page at this address. <Link href="/">Go to the overview</Link>.
        </p>
      </>
    );

  return (
    <>
      <a class="skip" href="#main">
        Skip to the content
      </a>
      <header class="top">
        <span class="brand">SCIM gateway</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.active(loc.path) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          class="signout"
          onClick={() => {
            signOut('You have signed out.');
            navigate('/');
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">{page}</main>
    </>
  );
}
