/**
 * The routing table: Host -> app in one map lookup, independent of how many apps are registered
 * (DESIGN §9). Keys are lower-case host names without port or trailing dot, so
 * `Hello.LOCALHOST.:8080` finds the app routed at `hello.localhost`. The table holds one entry per
 * deployed app (its bound is the control plane's app list) and one per host name of those apps;
 * each route keeps its own keys (`hostKeys`), the names the control plane gives when they are
 * already keys.
 */
import type { AppRoute } from "./app-route.js";

/** The lookup key for a Host field value: no port, no trailing dot, lower case. */
export function hostKey(field: string): string {
  let end = field.length;
  if (field.charCodeAt(0) === 0x5b /* "[" */) {
    const close = field.indexOf("]");
    if (close >= 0) end = close + 1;
  } else {
    const colon = field.indexOf(":");
    if (colon >= 0) end = colon;
  }
  if (end > 0 && field.charCodeAt(end - 1) === 0x2e /* "." */) end--;
  return (end === field.length ? field : field.slice(0, end)).toLowerCase();
}

export class RouteTable {
  #byApp = new Map<string, AppRoute>();
  #byHost = new Map<string, AppRoute>();

  get size(): number {
    return this.#byApp.size;
  }

  /** The app routed at a Host field value, if any. */
  lookup(hostField: string): AppRoute | undefined {
    return this.#byHost.get(hostKey(hostField));
  }

  get(app: string): AppRoute | undefined {
    return this.#byApp.get(app);
  }

  apps(): IterableIterator<AppRoute> {
    return this.#byApp.values();
  }

  /**
   * Adds or replaces the app and points its host names at it. A host name another app held moves
   * to this one; those names are returned so the caller can warn.
   */
  set(route: AppRoute, hosts: readonly string[]): string[] {
    const app = route.name;
    const previous = this.#byApp.get(app);
    if (previous !== undefined) this.#unindex(previous);
    if (previous !== route) this.#unindex(route);
    this.#byApp.set(app, route);
    const keys = hosts.map(hostKey);
    const moved: string[] = [];
    for (const key of keys) {
      const holder = this.#byHost.get(key);
      if (holder !== undefined && holder.name !== app) {
        moved.push(`${key} (from ${holder.name})`);
        holder.hostKeys = holder.hostKeys.filter((k) => k !== key);
      }
      this.#byHost.set(key, route);
    }
    route.hostKeys = keys.every((k, i) => k === hosts[i]) ? hosts : keys;
    return moved;
  }

  delete(app: string): AppRoute | undefined {
    const route = this.#byApp.get(app);
    if (route === undefined) return undefined;
    this.#unindex(route);
    this.#byApp.delete(app);
    return route;
  }

  #unindex(route: AppRoute): void {
    for (const key of route.hostKeys) {
      if (this.#byHost.get(key) === route) this.#byHost.delete(key);
    }
    route.hostKeys = [];
  }
}
