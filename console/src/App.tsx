import { useEffect, useState } from 'preact/hooks';
import { onSignOut, signOut } from './api';
import { Link, navigate, useLocation } from './router';
import { NAV, pageFor } from './routes';
import { readToken } from './session';
import { SignIn } from './pages/SignIn';

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

  const page = pageFor(loc) ?? (
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
