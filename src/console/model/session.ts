/**
 * Who is signed in and where: the API token lives in the browser's localStorage under one key,
 * so a reload stays signed in, and never goes into a URL (every call sends it as a bearer
 * header). The page lives in the URL fragment (`#/apps/hello`), so every page is the same
 * index.html with relative asset paths, whatever path the console is served under.
 */

/** The part of the Web Storage API used here (localStorage in the browser, a Map in tests). */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const tokenKey = "ebb.console.token";

export interface Session {
  token(): string | null;
  signIn(token: string): void;
  signOut(): void;
}

export function createSession(storage: TokenStorage | null): Session {
  let memory: string | null = null;
  const read = (): string | null => {
    try {
      return storage?.getItem(tokenKey) ?? memory;
    } catch {
      return memory;
    }
  };
  return {
    token: () => {
      const t = read();
      return t && t.trim() ? t.trim() : null;
    },
    signIn(token) {
      memory = token.trim();
      try {
        storage?.setItem(tokenKey, memory);
      } catch {
        // Storage refused (private mode, quota): the token lives for this page only.
      }
    },
    signOut() {
      memory = null;
      try {
        storage?.removeItem(tokenKey);
      } catch {
        // Nothing stored to remove.
      }
    },
  };
}

export type Route = { page: "apps" } | { page: "app"; name: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "");
  const m = /^\/apps\/([^/?#]+)\/?$/.exec(path);
  if (m) {
    try {
      return { page: "app", name: decodeURIComponent(m[1]!) };
    } catch {
      return { page: "apps" };
    }
  }
  return { page: "apps" };
}

export function routeHref(route: Route): string {
  return route.page === "app" ? `#/apps/${encodeURIComponent(route.name)}` : "#/";
}
