/**
 * Header handling on the proxy path, working on flat field arrays ([name, value, name, value, ...],
 * as the request and response readers produce them) so that names keep their case and repeated
 * fields their order, and no header object is built per request.
 *
 * Hop-by-hop fields are removed in both directions (RFC 9110 §7.6.1): Connection and every field
 * it names, Keep-Alive, Proxy-Connection, TE, Transfer-Encoding and Upgrade, plus
 * Proxy-Authorization / Proxy-Authenticate, which belong to the proxy hop (RFC 9110 §11.7).
 * Bodies are re-framed on each hop: a chunked request is sent on as chunked.
 */
import { nameIs } from "./field-name.js";

export interface RequestHead {
  /** The Host field as sent ("" when absent). */
  host: string;
  authorization: string | null;
  /** The request has a body: a Transfer-Encoding or a non-zero Content-Length. */
  hasBody: boolean;
  /** Framed by Transfer-Encoding (no length known in advance). */
  chunked: boolean;
  /** Upgrade protocol requested (RFC 9110 §7.8), e.g. "websocket". */
  upgrade: string | null;
  /** Existing X-Forwarded-For values joined by ", ". */
  forwardedFor: string | null;
  /** Extra field names listed in Connection (lower-case); null in the usual case of none. */
  connectionListed: string[] | null;
}

/** One pass over the request's raw headers collecting what routing and forwarding need. */
export function readRequestHead(raw: readonly string[]): RequestHead {
  const head: RequestHead = { host: "", authorization: null, hasBody: false, chunked: false, upgrade: null, forwardedFor: null, connectionListed: null };
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    // By length first: most names then need no comparison at all.
    switch (name.length) {
      case 4:
        if (nameIs(name, "host")) head.host = value;
        break;
      case 7:
        if (nameIs(name, "upgrade")) head.upgrade = value;
        break;
      case 10:
        if (nameIs(name, "connection")) head.connectionListed = listedFields(value, head.connectionListed);
        break;
      case 13:
        if (nameIs(name, "authorization")) head.authorization = value;
        break;
      case 14:
        if (value !== "0" && nameIs(name, "content-length")) head.hasBody = true;
        break;
      case 15:
        if (nameIs(name, "x-forwarded-for")) head.forwardedFor = head.forwardedFor === null ? value : `${head.forwardedFor}, ${value}`;
        break;
      case 17:
        if (nameIs(name, "transfer-encoding")) head.hasBody = head.chunked = true;
        break;
    }
  }
  return head;
}

/** Field names a Connection value lists beyond the usual keep-alive / close / upgrade options. */
export function listedFields(value: string, into: string[] | null): string[] | null {
  if (nameIs(value, "keep-alive") || nameIs(value, "close")) return into; // the usual values, without a split
  for (const token of value.split(",")) {
    const name = token.trim().toLowerCase();
    if (name === "" || name === "keep-alive" || name === "close" || name === "upgrade") continue;
    (into ??= []).push(name);
  }
  return into;
}

/**
 * Whether a field belongs to one hop (RFC 9110 §7.6.1, and §11.7 for the proxy's own
 * authentication), in either direction. Compared by length first, without a lower-cased copy.
 */
export function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return nameIs(name, "te");
    case 7:
      return nameIs(name, "upgrade") || nameIs(name, "trailer");
    case 10:
      return nameIs(name, "connection") || nameIs(name, "keep-alive");
    case 16:
      return nameIs(name, "proxy-connection");
    case 17:
      return nameIs(name, "transfer-encoding");
    case 18:
      return nameIs(name, "proxy-authenticate");
    case 19:
      return nameIs(name, "proxy-authorization");
    default:
      return false;
  }
}

/**
 * Whether a request field stays off the replica's hop: hop-by-hop fields, the X-Forwarded-* the
 * gateway sets itself, Expect (answered by the gateway), Authorization when it was ebb's token.
 */
function dropOnTheWayUp(name: string, stripAuthorization: boolean): boolean {
  if (isHopByHop(name)) return true;
  switch (name.length) {
    case 6:
      return nameIs(name, "expect");
    case 13:
      return stripAuthorization && nameIs(name, "authorization");
    case 15:
      return nameIs(name, "x-forwarded-for");
    case 16:
      return nameIs(name, "x-forwarded-host");
    case 17:
      return nameIs(name, "x-forwarded-proto");
    default:
      return false;
  }
}

export interface ForwardOptions {
  /** Drop Authorization: the token was ebb's, checked by the gateway, not the app's. */
  stripAuthorization: boolean;
  /** The client's address, appended to X-Forwarded-For. */
  clientIp: string;
  /** Forward the Upgrade handshake (Connection: Upgrade + Upgrade) instead of dropping it. */
  upgrade: boolean;
}

/**
 * The header list sent to the replica: end-to-end fields as received (Host included, so the app
 * sees its public name), then X-Forwarded-For (appended), X-Forwarded-Proto and X-Forwarded-Host
 * (set; values a client sent for these two are dropped). Expect is dropped: the gateway answers
 * `100 Continue` to the client itself (client-connection.ts).
 */
export function upstreamRequestHeaders(raw: readonly string[], head: RequestHead, opts: ForwardOptions): string[] {
  const out: string[] = [];
  const listed = head.connectionListed;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (dropOnTheWayUp(name, opts.stripAuthorization) || (listed !== null && listed.includes(name.toLowerCase()))) continue;
    out.push(name, raw[i + 1]!);
  }
  out.push("X-Forwarded-For", head.forwardedFor === null ? opts.clientIp : `${head.forwardedFor}, ${opts.clientIp}`);
  out.push("X-Forwarded-Proto", "http", "X-Forwarded-Host", head.host);
  if (opts.upgrade && head.upgrade !== null) out.push("Connection", "Upgrade", "Upgrade", head.upgrade);
  else if (head.chunked) out.push("Transfer-Encoding", "chunked");
  return out;
}

/**
 * The replica's response headers with hop-by-hop fields removed; the client's hop gets its own
 * Connection and framing (client-response.ts).
 */
export function downstreamResponseHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  let listed: string[] | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (nameIs(name, "connection")) listed = listedFields(raw[i + 1]!, listed);
    if (isHopByHop(name)) continue;
    out.push(name, raw[i + 1]!);
  }
  if (listed === null) return out;
  const kept: string[] = [];
  for (let i = 0; i < out.length; i += 2) {
    if (!listed.includes(out[i]!.toLowerCase())) kept.push(out[i]!, out[i + 1]!);
  }
  return kept;
}

/**
 * The request as written on a pooled connection to the replica (RFC 9112 §3, §5): request line,
 * the fields from `upstreamRequestHeaders`, and the empty line. Field values are the latin1
 * reading of the received bytes, so writing them as latin1 sends those bytes unchanged.
 */
export function requestHeadText(method: string, target: string, headers: readonly string[]): string {
  let text = `${method} ${target} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return text + "\r\n";
}
