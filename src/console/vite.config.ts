/**
 * The console's build: `vite build src/console` bundles it into dist/console/, which `ebb serve`
 * serves on its control port. Asset paths are relative (`base: "./"`) so the files work under any
 * mount point; routes are in the URL fragment, so every page loads the same index.html.
 */
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "../../dist/console",
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "assets",
    // uPlot alone is ~50 kB minified; the whole console stays well under this.
    chunkSizeWarningLimit: 200,
  },
  server: { port: 5173, strictPort: false },
});
