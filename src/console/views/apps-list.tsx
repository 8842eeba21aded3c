/**
 * The apps list: one row per app with its status, ready/desired replicas against min–max, live
 * request rate and latency, the last cold start and the URL. Rows follow the overview stream;
 * on a phone each row becomes a card (styles.css).
 */
import { appRows, boundsText, millis, rate, replicaText, type AppRow } from "../model/format.js";
import { routeHref } from "../model/session.js";
import type { OverviewState } from "../live/use-overview.js";
import { Ago, StatusBadge, useNow } from "./widgets.js";

export function AppsList({ overview }: { overview: OverviewState }) {
  const now = useNow();
  const rows = overview.apps ? appRows(overview.apps, overview.traffic) : null;
  return (
    <section class="page">
      <div class="page-head">
        <h1>Apps</h1>
        {rows && <span class="muted">{rows.length === 1 ? "1 app" : `${rows.length} apps`}</span>}
      </div>
      {overview.error && <p class="error" role="alert">{overview.error}</p>}
      {!rows ? (
        <p class="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <div class="card empty">
          <p>No apps yet.</p>
          <p class="muted">
            Deploy one with <code>npx ebb deploy examples/hello/app.yaml</code>.
          </p>
        </div>
      ) : (
        <div class="card table-card">
          <table class="apps" data-testid="apps-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th class="num">Ready/desired</th>
                <th class="num">Min–max</th>
                <th class="num">Requests</th>
                <th class="num">p50 / p99</th>
                <th>Last cold start</th>
                <th>URL</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Row key={r.name} row={r} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Row({ row, now }: { row: AppRow; now: number }) {
  const { app, traffic } = row;
  const cold = app.status.lastColdStart;
  return (
    <tr data-app={app.name}>
      <td data-label="Name">
        <a class="app-name" href={routeHref({ page: "app", name: app.name })}>
          {app.name}
        </a>
      </td>
      <td data-label="Status">
        <StatusBadge app={app} />
      </td>
      <td data-label="Ready/desired" class="num" data-testid="replicas">
        {replicaText(app)}
      </td>
      <td data-label="Min–max" class="num">
        {boundsText(app)}
      </td>
      <td data-label="Requests" class="num">
        {traffic ? rate(traffic.rps) : "-"}
      </td>
      <td data-label="p50 / p99" class="num">
        {traffic && traffic.p50Ms !== null ? `${millis(traffic.p50Ms)} / ${millis(traffic.p99Ms)}` : "-"}
      </td>
      <td data-label="Last cold start">
        {cold ? (
          <span>
            {millis(cold.totalMs)} <span class="muted">·</span> <Ago time={cold.time} now={now} />
          </span>
        ) : (
          <span class="muted">none yet</span>
        )}
      </td>
      <td data-label="URL" class="url">
        <a href={app.url} target="_blank" rel="noreferrer">
          {app.url.replace(/^https?:\/\//, "")}
        </a>
      </td>
    </tr>
  );
}
