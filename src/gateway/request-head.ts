/**
 * Reads a client's request head (RFC 9112 §2-§5): the request line, the field lines, and what
 * they decide about the message: its body framing (§6), whether the connection stays open (§9.3),
 * `Expect: 100-continue` and `Upgrade`. It is strict where leniency would let a request mean two
 * things to two parsers (request smuggling): no obsolete line folding, no whitespace before a
 * colon, one Content-Length of digits only, Transfer-Encoding ending in chunked and never beside a
 * Content-Length. Field values keep their bytes (read as latin1, written back as latin1).
 *
 * Failures are EbbErrors the gateway answers and then closes on: GATEWAY_BAD_REQUEST (400),
 * GATEWAY_REQUEST_HEAD_TOO_LARGE (431), GATEWAY_NOT_IMPLEMENTED (501: CONNECT, a transfer coding
 * other than chunked) and GATEWAY_HTTP_VERSION_UNSUPPORTED (505: a major version other than 1).
 */
import type { EbbError } from "../kit/errors.js";
import { nameIs } from "./field-name.js";
import { gatewayError } from "./respond.js";

export const enum BodyKind {
  None,
  Length,
  Chunked,
}

export interface RequestLimits {
  /** Largest request head (request line, fields, line ends), bytes; also bounds a trailer section. */
  maxHeadBytes: number;
  /** Most field lines in a head (and in a trailer section). */
  maxHeaderCount: number;
}

export interface ParsedRequest {
  method: string;
  /** The target sent on: origin-form (an absolute-form target is reduced to path and query), or "*". */
  target: string;
  /** The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1 (later 1.x minors read as 1.1, RFC 9110 §2.5). */
  minor: number;
  /** Field lines as [name, value, ...]; for an absolute-form target, Host holds the target's authority. */
  raw: string[];
  /** The client lets the connection stay open after this request (RFC 9112 §9.3). */
  keepAlive: boolean;
  /** `Expect: 100-continue` on HTTP/1.1 (RFC 9110 §10.1.1). */
  expectContinue: boolean;
  /** `Connection: upgrade` with an Upgrade field (RFC 9110 §7.8). */
  upgrade: boolean;
  body: BodyKind;
  /** Body bytes when `body` is Length. */
  contentLength: number;
}

// RFC 9110 §5.6.2: token = 1*tchar. RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
const requestLine = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^\x00-\x20\x7f]+) HTTP\/(\d)\.(\d)$/;
// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS; values are VCHAR, obs-text, SP, HTAB.
const fieldLine = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*$/;
// RFC 9110 §7.2: Host = uri-host [ ":" port ]; a reg-name, an IPv4 address or an IP-literal.
const hostValue = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::\d*)?$/;
// RFC 9112 §3.2.2: absolute-form = absolute-URI; only http and https name an origin here.
const absoluteForm = /^https?:\/\/([^/?#]*)(.*)$/i;
const digits = /^\d{1,15}$/;

const crlfcrlf = Buffer.from("\r\n\r\n");
const lflf = Buffer.from("\n\n");

/** Finds where a request head ends in the bytes read so far, across reads. */
export class HeadFinder {
  /** Where the head found (or being read) starts, past any empty lines before it. */
  start = 0;
  #scanFrom = 0;

  constructor(readonly maxBytes: number) {}

  /**
   * The offset of the empty line ending the head that starts at or after `at` in `buf`, or -1
   * when more bytes are needed (keep `buf` from `start`). Throws 431 past `maxBytes`, 400 for a
   * head whose lines end in a bare LF.
   */
  find(buf: Buffer, at: number): number {
    // RFC 9112 §2.2: empty lines before a request line are ignored.
    while (buf[at] === 0x0d && buf[at + 1] === 0x0a) at += 2;
    this.start = at;
    const end = buf.indexOf(crlfcrlf, Math.max(at, this.#scanFrom));
    if (end >= 0 && end - at <= this.maxBytes) {
      this.#scanFrom = 0;
      return end;
    }
    if (buf.length - at > this.maxBytes) {
      this.#scanFrom = 0;
      throw gatewayError("GATEWAY_REQUEST_HEAD_TOO_LARGE", `The request head is larger than ${this.maxBytes} bytes`, { limit: this.maxBytes });
    }
    if (buf.indexOf(lflf, at) >= 0) throw badRequest("Lines of the request head must end in CRLF");
    this.#scanFrom = Math.max(0, buf.length - at - 3);
    return -1;
  }
}

export function badRequest(message: string, details: Record<string, unknown> = {}): EbbError {
  return gatewayError("GATEWAY_BAD_REQUEST", message, details);
}

/** Parses `text`, the head without its final empty line; throws an EbbError for a request the gateway refuses. */
export function parseRequestHead(text: string, limits: RequestLimits): ParsedRequest {
  const lines = text.split("\r\n");
  const m = requestLine.exec(lines[0]!);
  if (m === null) throw badRequest(`Malformed request line ${JSON.stringify(lines[0]!.slice(0, 80))}`);
  const method = m[1]!;
  if (m[3] !== "1") {
    throw gatewayError("GATEWAY_HTTP_VERSION_UNSUPPORTED", `HTTP/${m[3]}.${m[4]} is not supported; the gateway speaks HTTP/1.1`);
  }
  const minor = m[4] === "0" ? 0 : 1;
  if (lines.length - 1 > limits.maxHeaderCount) {
    throw gatewayError("GATEWAY_REQUEST_HEAD_TOO_LARGE", `The request has more than ${limits.maxHeaderCount} header fields`, { limit: limits.maxHeaderCount });
  }
  const req: ParsedRequest = { method, target: m[2]!, minor, raw: [], keepAlive: false, expectContinue: false, upgrade: false, body: BodyKind.None, contentLength: 0 };
  const raw = req.raw;
  let hostAt = -1;
  let length = -1;
  let codings: string | null = null;
  let upgradeField = false;
  let connectionUpgrade = false;
  let closeOption = false;
  let keepAliveOption = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!fieldLine.test(line)) throw badRequest(fieldProblem(line));
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    const value = trimOws(line, colon + 1);
    raw.push(name, value);
    switch (name.length) {
      case 4:
        if (!nameIs(name, "host")) break;
        // RFC 9112 §3.2: exactly one Host, with a valid value.
        if (hostAt >= 0) throw badRequest("The request has more than one Host field");
        if (!hostValue.test(value)) throw badRequest(`Invalid Host ${JSON.stringify(value.slice(0, 80))}`);
        hostAt = raw.length - 1;
        break;
      case 6:
        if (minor === 1 && nameIs(name, "expect") && nameIs(value, "100-continue")) req.expectContinue = true;
        break;
      case 7:
        if (nameIs(name, "upgrade")) upgradeField = true;
        break;
      case 10:
        if (!nameIs(name, "connection")) break;
        for (const option of value.toLowerCase().split(",")) {
          const o = option.trim();
          if (o === "close") closeOption = true;
          else if (o === "keep-alive") keepAliveOption = true;
          else if (o === "upgrade") connectionUpgrade = true;
        }
        break;
      case 14:
        if (!nameIs(name, "content-length")) break;
        // RFC 9112 §6.3 rule 5: a list or a repeated field cannot be trusted to frame the body.
        if (length >= 0) throw badRequest("The request has more than one Content-Length field");
        if (!digits.test(value)) throw badRequest(`Invalid Content-Length ${JSON.stringify(value.slice(0, 40))}`);
        length = Number(value);
        break;
      case 17:
        if (nameIs(name, "transfer-encoding")) codings = codings === null ? value : `${codings},${value}`;
        break;
    }
  }
  // RFC 9112 §9.3: HTTP/1.1 stays open unless "close"; HTTP/1.0 only with "keep-alive".
  req.keepAlive = !closeOption && (minor === 1 || keepAliveOption);
  if (hostAt < 0 && minor === 1) throw badRequest("An HTTP/1.1 request must have a Host field");
  readTarget(req, hostAt);
  if (codings !== null) {
    frameByCodings(req, codings, length);
  } else if (length > 0) {
    req.body = BodyKind.Length;
    req.contentLength = length;
  }
  req.upgrade = connectionUpgrade && upgradeField && minor === 1;
  return req;
}

/** RFC 9112 §3.2: origin-form, absolute-form (Host then comes from the target), or "*" for OPTIONS. */
function readTarget(req: ParsedRequest, hostAt: number): void {
  const target = req.target;
  if (target.charCodeAt(0) === 0x2f) return;
  if (req.method === "CONNECT") throw gatewayError("GATEWAY_NOT_IMPLEMENTED", "CONNECT is not supported: the gateway is not a forward proxy");
  if (target === "*") {
    if (req.method !== "OPTIONS") throw badRequest(`The target "*" is only allowed with OPTIONS, not ${req.method}`);
    return;
  }
  const m = absoluteForm.exec(target);
  const authority = m?.[1] ?? "";
  if (m === null || authority === "" || authority.includes("@") || !hostValue.test(authority)) {
    throw badRequest(`Malformed request target ${JSON.stringify(target.slice(0, 80))}`);
  }
  const rest = m[2]!;
  req.target = rest === "" ? "/" : rest.charCodeAt(0) === 0x3f ? `/${rest}` : rest;
  // RFC 9112 §3.2.2: the target's authority replaces the Host field.
  if (hostAt >= 0) req.raw[hostAt] = authority;
  else req.raw.push("Host", authority);
}

/** RFC 9112 §6.1, §6.3: chunked must be the final coding, applied once, and never beside Content-Length. */
function frameByCodings(req: ParsedRequest, codings: string, length: number): void {
  if (length >= 0) throw badRequest("The request has both Content-Length and Transfer-Encoding");
  if (req.minor === 0) throw badRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request");
  const list = codings.split(",").map((c) => c.split(";")[0]!.trim().toLowerCase()).filter((c) => c !== "");
  if (list.at(-1) !== "chunked") throw badRequest(`Transfer-Encoding ${JSON.stringify(codings.slice(0, 80))} does not end in chunked`);
  if (list.length > 1) {
    if (list.indexOf("chunked") < list.length - 1) throw badRequest("Transfer-Encoding applies chunked more than once");
    throw gatewayError("GATEWAY_NOT_IMPLEMENTED", `Transfer coding ${JSON.stringify(list[0])} is not supported; send the body chunked only`);
  }
  req.body = BodyKind.Chunked;
}

/** Why a field line is malformed, for the 400 answer. */
function fieldProblem(line: string): string {
  const shown = JSON.stringify(line.slice(0, 80));
  const first = line.charCodeAt(0);
  if (first === 0x20 || first === 0x09) return `Obsolete line folding (a field line starting with whitespace) is not accepted: ${shown}`;
  const colon = line.indexOf(":");
  if (colon < 0) return `Field line without a colon: ${shown}`;
  if (/[ \t]$/.test(line.slice(0, colon))) return `Whitespace between a field name and its colon: ${shown}`;
  if (colon === 0 || /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(line.slice(0, colon))) return `Invalid field name: ${shown}`;
  return `Invalid character in a field value: ${shown}`;
}

/** The field value between optional whitespace (SP, HTAB only: other bytes are the value's). */
function trimOws(line: string, from: number): string {
  let start = from;
  let end = line.length;
  while (start < end && (line.charCodeAt(start) === 0x20 || line.charCodeAt(start) === 0x09)) start++;
  while (end > start && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
  return line.slice(start, end);
}
