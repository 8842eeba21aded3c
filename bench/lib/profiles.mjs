// Reads V8's profiles for bench/heap-apps.mjs. A heap snapshot (.heapsnapshot, as
// v8.writeHeapSnapshot writes it) is summed by class: how many objects, their own (shallow)
// size, and their retained size, the memory that would be freed with them. Retained sizes come from the dominator tree (Cooper, Harvey and
// Kennedy's iterative algorithm over a reverse postorder), with weak edges left out as DevTools
// does. A class's retained size counts only its instances not dominated by another instance of
// the same class, so nested objects are not counted twice. `diffClasses` lines two summaries up,
// which is how bench/heap-apps.mjs finds what each registered app costs. A CPU profile
// (.cpuprofile, as `node --cpu-prof` or the inspector writes it) is summed by function: self time
// per `name (file:line)`, with (garbage collector), (idle) and (program) as V8 names them.
import { readFileSync } from "node:fs";
import { basename } from "node:path";

/** Parses a snapshot file into flat typed arrays and per-node class names. */
export function readSnapshot(path) {
  const raw = JSON.parse(readFileSync(path, "utf8"));
  const meta = raw.snapshot.meta;
  const nf = meta.node_fields;
  const ef = meta.edge_fields;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const N = nf.length;
  const E = ef.length;
  const [iType, iName, iSelf, iEdges] = ["type", "name", "self_size", "edge_count"].map((f) => nf.indexOf(f));
  const [ieType, ieTo] = ["type", "to_node"].map((f) => ef.indexOf(f));
  const count = raw.nodes.length / N;
  const self = new Float64Array(count);
  const firstEdge = new Uint32Array(count + 1);
  const cls = new Array(count);
  for (let i = 0, e = 0; i < count; i++) {
    const b = i * N;
    self[i] = raw.nodes[b + iSelf];
    firstEdge[i] = e;
    e += raw.nodes[b + iEdges];
    firstEdge[i + 1] = e;
    cls[i] = className(nodeTypes[raw.nodes[b + iType]], raw.strings[raw.nodes[b + iName]]);
  }
  const edgeCount = raw.edges.length / E;
  const to = new Uint32Array(edgeCount);
  const weak = new Uint8Array(edgeCount);
  const weakType = edgeTypes.indexOf("weak");
  for (let k = 0; k < edgeCount; k++) {
    to[k] = raw.edges[k * E + ieTo] / N;
    weak[k] = raw.edges[k * E + ieType] === weakType ? 1 : 0;
  }
  return { count, self, firstEdge, to, weak, cls };
}

/** How a node is grouped: objects by constructor, closures by function, the rest by kind. */
function className(type, name) {
  switch (type) {
    case "object":
      return name;
    case "closure":
      return `(closure ${name || "anonymous"})`;
    case "string":
    case "concatenated string":
    case "sliced string":
      return "(string)";
    case "code":
      return "(code)";
    case "array":
      return `(array${name ? " " + name : ""})`;
    case "hidden":
      return `(hidden ${name})`;
    default:
      return `(${type}${name && type === "native" ? " " + name : ""})`;
  }
}

/** Immediate dominators from node 0 (the snapshot's root), weak edges ignored. */
export function dominators(s) {
  const { count, firstEdge, to, weak } = s;
  const order = new Int32Array(count).fill(-1);
  const post = new Uint32Array(count);
  let n = 0;
  // Iterative DFS producing a postorder.
  const stack = new Uint32Array(count);
  const cursor = new Uint32Array(count);
  const seen = new Uint8Array(count);
  let sp = 0;
  stack[sp++] = 0;
  seen[0] = 1;
  cursor[0] = firstEdge[0];
  while (sp > 0) {
    const v = stack[sp - 1];
    if (cursor[v] < firstEdge[v + 1]) {
      const k = cursor[v]++;
      if (weak[k]) continue;
      const w = to[k];
      if (!seen[w]) {
        seen[w] = 1;
        cursor[w] = firstEdge[w];
        stack[sp++] = w;
      }
    } else {
      sp--;
      order[v] = n;
      post[n++] = v;
    }
  }
  // Predecessors of reachable nodes.
  const predCount = new Uint32Array(count + 1);
  for (let v = 0; v < count; v++) {
    if (!seen[v]) continue;
    for (let k = firstEdge[v]; k < firstEdge[v + 1]; k++) if (!weak[k]) predCount[to[k] + 1]++;
  }
  for (let v = 0; v < count; v++) predCount[v + 1] += predCount[v];
  const preds = new Uint32Array(predCount[count]);
  const fill = predCount.slice();
  for (let v = 0; v < count; v++) {
    if (!seen[v]) continue;
    for (let k = firstEdge[v]; k < firstEdge[v + 1]; k++) if (!weak[k]) preds[fill[to[k]]++] = v;
  }
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a, b) => {
    while (a !== b) {
      while (order[a] < order[b]) a = idom[a];
      while (order[b] < order[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      const v = post[i];
      if (v === 0) continue;
      let d = -1;
      for (let p = predCount[v]; p < predCount[v + 1]; p++) {
        const u = preds[p];
        if (idom[u] === -1) continue;
        d = d === -1 ? u : intersect(u, d);
      }
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  return { idom, post, reachable: n };
}

/** Per class: count, self bytes and retained bytes (reachable objects only). */
export function summarize(path) {
  const s = readSnapshot(path);
  const { idom, post, reachable } = dominators(s);
  const retained = Float64Array.from(s.self);
  for (let i = 0; i < reachable; i++) {
    const v = post[i];
    if (v !== 0) retained[idom[v]] += retained[v];
  }
  const sameAbove = sameClassAbove(s, idom, post, reachable);
  const byClass = new Map();
  const byOwner = new Map();
  // Dominators come before what they dominate in reverse postorder, so one pass from the root
  // finds each node's owner: its nearest dominator (itself included) of a named class.
  const owner = new Int32Array(s.count);
  for (let i = reachable - 1; i >= 0; i--) {
    const v = post[i];
    const c = s.cls[v];
    owner[v] = v === 0 || named(c) ? v : owner[idom[v]];
    let row = byClass.get(c);
    if (!row) byClass.set(c, (row = { cls: c, count: 0, selfBytes: 0, retainedBytes: 0 }));
    row.count++;
    row.selfBytes += s.self[v];
    if (!sameAbove[v]) row.retainedBytes += retained[v];
    const o = owner[v] === 0 ? "(root)" : s.cls[owner[v]];
    byOwner.set(o, (byOwner.get(o) ?? 0) + s.self[v]);
  }
  const owners = [...byOwner].map(([cls, selfBytes]) => ({ cls, count: 0, selfBytes, retainedBytes: 0 }));
  return { totalBytes: retained[0], nodes: reachable, classes: [...byClass.values()], owners };
}

/** A class of ebb's or Node's own (not a plain object, array, string or V8 internal). */
function named(c) {
  return !c.startsWith("(") && c !== "Object" && c !== "Array" && c !== "Map" && c !== "Set";
}

/** 1 for nodes dominated by another node of their class: one walk of the dominator tree. */
function sameClassAbove(s, idom, post, reachable) {
  const childCount = new Uint32Array(s.count + 1);
  for (let i = 0; i < reachable; i++) if (post[i] !== 0) childCount[idom[post[i]] + 1]++;
  for (let v = 0; v < s.count; v++) childCount[v + 1] += childCount[v];
  const children = new Uint32Array(childCount[s.count]);
  const fill = childCount.slice();
  for (let i = 0; i < reachable; i++) if (post[i] !== 0) children[fill[idom[post[i]]]++] = post[i];
  const out = new Uint8Array(s.count);
  const onPath = new Map();
  const stack = [0];
  const cursor = new Uint32Array(s.count);
  cursor[0] = childCount[0];
  onPath.set(s.cls[0], 1);
  while (stack.length > 0) {
    const v = stack[stack.length - 1];
    if (cursor[v] < childCount[v + 1]) {
      const w = children[cursor[v]++];
      const c = s.cls[w];
      const n = onPath.get(c) ?? 0;
      out[w] = n > 0 ? 1 : 0;
      onPath.set(c, n + 1);
      cursor[w] = childCount[w];
      stack.push(w);
    } else {
      stack.pop();
      const c = s.cls[v];
      onPath.set(c, onPath.get(c) - 1);
    }
  }
  return out;
}

/**
 * Classes whose count or size grew from `base` to `big`, largest self-size growth first;
 * `by: "owners"` compares bytes by owner (the nearest dominating object of a named class).
 */
export function diffClasses(base, big, by = "classes") {
  const before = new Map(base[by].map((r) => [r.cls, r]));
  return big[by]
    .map((r) => {
      const b = before.get(r.cls) ?? { count: 0, selfBytes: 0, retainedBytes: 0 };
      return { cls: r.cls, count: r.count - b.count, selfBytes: r.selfBytes - b.selfBytes, retainedBytes: r.retainedBytes - b.retainedBytes };
    })
    .sort((x, y) => y.selfBytes - x.selfBytes);
}

/** { totalMs, rows: [{ fn, selfMs, share }] } sorted by self time. */
export function summarizeProfile(path) {
  const p = JSON.parse(readFileSync(path, "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  }
  const byFn = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id).callFrame;
    const key = f.url ? `${f.functionName || "(anonymous)"} (${basename(f.url)}:${f.lineNumber + 1})` : f.functionName || "(anonymous)";
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    total += us;
  }
  const rows = [...byFn].map(([fn, us]) => ({ fn, selfMs: us / 1000, share: us / total })).sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs: total / 1000, rows };
}
