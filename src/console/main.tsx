/**
 * The console's entry: mounts the shell into index.html. The console is a small Preact app over
 * ebb's REST API (docs/console.md); `vite build src/console` bundles it into dist/console/.
 */
import { render } from "preact";
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { Shell } from "./views/shell.js";

render(<Shell />, document.getElementById("root")!);
