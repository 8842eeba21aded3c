/**
 * The app's actions: stop, start, change min/max and scaledownAfter, delete. Each asks for
 * confirmation first; the scaling form is checked (model/scaling-form.ts) before it is sent.
 */
import { useState } from "preact/hooks";
import type { AppSummary, EbbClient } from "../../api/client.js";
import { formatDuration } from "../../spec/duration.js";
import { checkScaling, type ScalingInput } from "../model/spec-text.js";
import { ConfirmDialog } from "./widgets.js";

type Open = null | "stop" | "start" | "scale" | "delete";

export function ActionsBar({ app, api, onDone, onDeleted }: { app: AppSummary; api: EbbClient; onDone: () => void; onDeleted: () => void }) {
  const [open, setOpen] = useState<Open>(null);
  const stopped = app.desiredState === "STOPPED";
  const close = (): void => setOpen(null);
  return (
    <div class="actions">
      {stopped ? (
        <button type="button" onClick={() => setOpen("start")}>
          Start
        </button>
      ) : (
        <button type="button" onClick={() => setOpen("stop")}>
          Stop
        </button>
      )}
      <button type="button" onClick={() => setOpen("scale")}>
        Scaling…
      </button>
      <button type="button" class="danger-outline" onClick={() => setOpen("delete")}>
        Delete
      </button>
      {open === "stop" && (
        <ConfirmDialog title={`Stop ${app.name}?`} confirmLabel="Stop" onConfirm={async () => { await api.stop(app.name); onDone(); }} onClose={close}>
          <p>Its replicas drain (requests in flight finish) and stop. Requests get 503 until you start it again.</p>
        </ConfirmDialog>
      )}
      {open === "start" && (
        <ConfirmDialog title={`Start ${app.name}?`} confirmLabel="Start" onConfirm={async () => { await api.start(app.name); onDone(); }} onClose={close}>
          <p>It serves again, scaling between {app.spec.scaling.replicas[0]} and {app.spec.scaling.replicas[1]} replicas.</p>
        </ConfirmDialog>
      )}
      {open === "delete" && (
        <ConfirmDialog title={`Delete ${app.name}?`} confirmLabel="Delete" danger onConfirm={async () => { await api.delete(app.name); onDeleted(); }} onClose={close}>
          <p>Its replicas stop and its revisions, events and metrics history are removed. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {open === "scale" && <ScaleDialog app={app} api={api} onDone={onDone} onClose={close} />}
    </div>
  );
}

function ScaleDialog({ app, api, onDone, onClose }: { app: AppSummary; api: EbbClient; onDone: () => void; onClose: () => void }) {
  const s = app.spec.scaling;
  const [input, setInput] = useState<ScalingInput>({ min: String(s.replicas[0]), max: String(s.replicas[1]), scaledownAfter: formatDuration(s.scaledownAfter) });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const field = (key: keyof ScalingInput, label: string, hint: string) => (
    <label class="field">
      <span>{label}</span>
      <input name={key} value={input[key]} inputMode={key === "scaledownAfter" ? "text" : "numeric"} onInput={(e) => setInput({ ...input, [key]: (e.target as HTMLInputElement).value })} aria-invalid={problems[key] ? "true" : undefined} />
      <small class={problems[key] ? "error" : "muted"}>{problems[key] ?? hint}</small>
    </label>
  );
  return (
    <ConfirmDialog
      title={`Scaling of ${app.name}`}
      confirmLabel="Apply"
      onClose={onClose}
      onConfirm={async () => {
        const checked = checkScaling(input);
        if (!checked.ok) {
          setProblems(checked.problems);
          return false;
        }
        setProblems({});
        await api.updateScaling(app.name, checked.patch);
        onDone();
        return true;
      }}
    >
      <p class="muted">Applied in place as a new revision with the same command.</p>
      <div class="fields">
        {field("min", "Min replicas", "0 lets it scale to zero")}
        {field("max", "Max replicas", "at least 1 and at least min")}
        {field("scaledownAfter", "Scale down after", "idle time: seconds, or 90s, 5m, 1h")}
      </div>
    </ConfirmDialog>
  );
}
