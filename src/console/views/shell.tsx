/**
 * The frame of every page: the sign-in form when there is no token, else the header (live
 * state, sign out) and the page of the current route. The API is the page's own origin; the
 * token comes from localStorage (model/session.ts) and is sent only as a bearer header. The
 * form checks a token with one API call before keeping it, and says plainly when it is wrong
 * (`npx ebb token` prints the right one) or the server cannot be reached.
 */
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { createClient, isEbbError } from "../../api/client.js";
import { createSession, parseRoute, routeHref, type Route } from "../model/session.js";
import type { StreamState } from "../live/follow.js";
import { useOverview } from "../live/use-overview.js";
import { AppsList } from "./apps-list.js";
import { AppPage } from "./app-page.js";

const session = createSession(typeof localStorage === "undefined" ? null : localStorage);

export function Shell() {
  const [token, setToken] = useState(session.token());
  const [expired, setExpired] = useState(false);
  const signOut = useCallback((wasExpired = false) => {
    session.signOut();
    setExpired(wasExpired);
    setToken(null);
  }, []);
  if (!token) {
    return (
      <Login
        expired={expired}
        onSignIn={(t) => {
          session.signIn(t);
          setExpired(false);
          setToken(t);
        }}
      />
    );
  }
  return <SignedIn token={token} onSignOut={signOut} />;
}

function SignedIn({ token, onSignOut }: { token: string; onSignOut: (expired?: boolean) => void }) {
  const api = useMemo(() => createClient({ baseUrl: location.origin, token }), [token]);
  const route = useRoute();
  const expire = useCallback(() => onSignOut(true), [onSignOut]);
  const overview = useOverview(api, expire);
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={routeHref({ page: "apps" })}>
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M1 11c2.5 0 2.5-6 5-6s2.5 6 5 6 2.5-3 4-3" />
          </svg>
          ebb
        </a>
        <nav>
          <a href={routeHref({ page: "apps" })} aria-current={route.page === "apps" ? "page" : undefined}>
            Apps
          </a>
        </nav>
        <LiveDot state={overview.stream} />
        <button class="link" type="button" onClick={() => onSignOut(false)}>
          Sign out
        </button>
      </header>
      <main>
        {route.page === "apps" ? <AppsList overview={overview} /> : <AppPage key={route.name} name={route.name} api={api} overview={overview} onUnauthorized={expire} />}
      </main>
    </div>
  );
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

const liveText: Record<StreamState, string> = {
  connecting: "connecting",
  live: "live",
  retrying: "reconnecting",
  unavailable: "live (events)",
};

function LiveDot({ state }: { state: StreamState }) {
  return (
    <span class={`live live-${state}`} title="Updates arrive by server-sent events" data-testid="live-state">
      <i aria-hidden="true" />
      {liveText[state]}
    </span>
  );
}

export function Login({ onSignIn, expired }: { onSignIn: (token: string) => void; expired: boolean }) {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(expired ? "The token is no longer accepted; sign in again." : null);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    const t = token.trim();
    if (!t) return setError("Paste the token that `npx ebb token` prints.");
    setBusy(true);
    setError(null);
    try {
      await createClient({ baseUrl: location.origin, token: t }).listApps();
      onSignIn(t);
    } catch (err) {
      setError(isEbbError(err, "API_UNAUTHORIZED") ? "That token is not this server's. Run `npx ebb token` where ebb serve runs." : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="login">
      <form class="card login-card" onSubmit={submit}>
        <h1>
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M1 11c2.5 0 2.5-6 5-6s2.5 6 5 6 2.5-3 4-3" />
          </svg>
          ebb console
        </h1>
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" spellcheck={false} value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} autofocus />
        <p class="hint">
          Run <code>npx ebb token</code> where <code>ebb serve</code> runs. The token stays in this browser.
        </p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
