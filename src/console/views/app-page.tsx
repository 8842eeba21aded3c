/**
 * One app: its state and live figures at the top, actions, the charts, the events timeline with
 * each decision's inputs, live logs, and the spec (YAML-ish or JSON). The app's view and traffic come from the
 * shared overview; events, logs and history have their own streams and fetches.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { AppSummary, AppTraffic, EbbClient, EbbEvent } from "../../api/client.js";
import { boundsText, millis, rate, round, seconds, targetText } from "../model/format.js";
import { routeHref } from "../model/session.js";
import { specYaml } from "../model/spec-text.js";
import { useAppEvents } from "../live/use-app-streams.js";
import type { OverviewState } from "../live/use-overview.js";
import { ActionsBar } from "./actions-bar.js";
import { Ago, ColdStartBar, StatusBadge, useNow } from "./widgets.js";
import { ChartsPanel } from "./charts-panel.js";
import { EventsTimeline } from "./events-timeline.js";
import { LogsPanel } from "./logs-panel.js";

interface Props {
  name: string;
  api: EbbClient;
  overview: OverviewState;
  onUnauthorized: () => void;
}

export function AppPage({ name, api, overview, onUnauthorized }: Props) {
  const app = overview.apps?.find((a) => a.name === name) ?? null;
  const events = useAppEvents(api, name, onUnauthorized);
  useRefreshOnEvents(events.events, overview.refresh);
  if (!app) {
    return (
      <section class="page">
        <p class="crumbs">
          <a href={routeHref({ page: "apps" })}>Apps</a> /
        </p>
        <h1>{name}</h1>
        <p class="muted">{overview.apps ? `No app named ${name} is deployed.` : "Loading…"}</p>
      </section>
    );
  }
  const createdAtMs = Date.parse(app.createdAt);
  return (
    <section class="page app-page" data-app={app.name}>
      <p class="crumbs">
        <a href={routeHref({ page: "apps" })}>Apps</a> /
      </p>
      <div class="page-head">
        <h1>{app.name}</h1>
        <StatusBadge app={app} />
        <a class="url" href={app.url} target="_blank" rel="noreferrer">
          {app.url.replace(/^https?:\/\//, "")}
        </a>
        <span class="spacer" />
        <ActionsBar app={app} api={api} onDone={overview.refresh} onDeleted={() => {
            location.hash = routeHref({ page: "apps" });
            overview.refresh();
          }} />
      </div>
      <p class="muted status-message">{app.status.message}</p>
      <Figures app={app} traffic={overview.traffic?.[app.name] ?? null} live={overview.traffic !== null} />
      <ChartsPanel api={api} name={app.name} createdAtMs={Number.isNaN(createdAtMs) ? null : createdAtMs} events={events.events} onUnauthorized={onUnauthorized} />
      <div class="two-col">
        <EventsTimeline events={events.events} loaded={events.loaded} error={events.error} />
        <LogsPanel api={api} name={app.name} events={events.events} onUnauthorized={onUnauthorized} />
      </div>
      <SpecPanel app={app} />
    </section>
  );
}

/**
 * The overview comes once a second; a live event of this app (a scale, a replica ready) reloads
 * the app's view at once, so the figures never lag behind the timeline next to them.
 */
function useRefreshOnEvents(events: EbbEvent[], refresh: () => void): void {
  const lastId = useRef<number | null>(null);
  const newest = events.length ? events[events.length - 1]!.id : null;
  useEffect(() => {
    const before = lastId.current;
    lastId.current = newest;
    if (before === null || newest === null || newest === before) return;
    const t = setTimeout(refresh, 150);
    return () => clearTimeout(t);
  }, [newest]);
}

function Figures({ app, traffic, live }: { app: AppSummary; traffic: AppTraffic | null; live: boolean }) {
  const now = useNow();
  const r = app.status.replicas;
  const cold = app.status.lastColdStart;
  const idle = app.status.lastRequestAt;
  return (
    <div class="figures">
      <div class="figure">
        <span class="label">Replicas ready / desired</span>
        <span class="value">
          <b data-testid="replicas-ready">{r.ready}</b> / <span data-testid="replicas-desired">{r.desired}</span>
        </span>
        <span class="sub">
          min–max {boundsText(app)}
          {r.starting ? ` · ${r.starting} starting` : ""}
          {r.draining ? ` · ${r.draining} draining` : ""}
        </span>
      </div>
      <div class="figure">
        <span class="label">Requests</span>
        <span class="value" data-testid="rps">{traffic ? rate(traffic.rps) : "-"}</span>
        <span class="sub">{traffic ? `${round(traffic.inflight, 1)} in flight` : live ? "no traffic yet" : "live traffic needs a newer server"}</span>
      </div>
      <div class="figure">
        <span class="label">Latency p50</span>
        <span class="value">{traffic ? millis(traffic.p50Ms) : "-"}</span>
        <span class="sub">
          p99 {traffic ? millis(traffic.p99Ms) : "-"}
          {idle ? (
            <>
              {" "}· last request <Ago time={idle} now={now} />
            </>
          ) : null}
        </span>
      </div>
      <div class="figure">
        <span class="label">Scaling</span>
        <span class="value small">target {targetText(app)}</span>
        <span class="sub">scale down after {seconds(app.spec.scaling.scaledownAfter)} idle</span>
      </div>
      <div class="figure wide">
        <span class="label">Last cold start</span>
        {cold ? (
          <>
            <span class="value small">
              {millis(cold.totalMs)} <span class="muted">· {cold.replica} · <Ago time={cold.time} now={now} /></span>
            </span>
            <ColdStartBar phases={cold.phases} />
          </>
        ) : (
          <span class="value small muted">none yet</span>
        )}
      </div>
    </div>
  );
}

/** The app's current spec, as YAML-ish text (the manifest's shape) or as the API's JSON. */
function SpecPanel({ app }: { app: AppSummary }) {
  const [format, setFormat] = useState<"yaml" | "json">("yaml");
  const text = format === "yaml" ? specYaml(app.spec) : JSON.stringify(app.spec, null, 2);
  return (
    <section class="card spec" aria-label="Spec">
      <div class="card-head">
        <h2>
          Spec <span class="muted">revision {app.revision} · {app.specHash}</span>
        </h2>
        <div class="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={format === "yaml"} onClick={() => setFormat("yaml")}>
            YAML
          </button>
          <button type="button" role="tab" aria-selected={format === "json"} onClick={() => setFormat("json")}>
            JSON
          </button>
        </div>
      </div>
      <pre class="code">{text}</pre>
    </section>
  );
}
