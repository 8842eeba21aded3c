/**
 * The argv a replica runs. Commands run without a shell, so nothing expands `$PORT` in them; ebb
 * does, because passing the port as an argument (`python3 -m http.server $PORT`) is how many
 * servers take it. Only `$PORT` and `${PORT}` are replaced, by the replica's port; every other
 * `$` is left as written, and `$PORT_X` or `$PORTS` are other names, not `$PORT`.
 */
const portRef = /\$(?:\{PORT\}|PORT(?![A-Za-z0-9_]))/g;

export function commandWithPort(command: readonly string[], port: number): string[] {
  const value = String(port);
  return command.map((arg) => (arg.includes("$") ? arg.replace(portRef, value) : arg));
}
