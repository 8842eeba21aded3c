// An app declared with the TypeScript SDK instead of YAML: `npx ebb deploy examples/sdk/app.ts`.
// It requires the bearer token (the default): curl -H "Authorization: Bearer $(npx ebb token)" ...
import { AppEnvironment, Scaling } from "ebb";

export const counter = new AppEnvironment({
  name: "counter",
  command: ["node", "server.mjs"],
  scaling: new Scaling({
    replicas: [0, 3],
    scaledownAfter: "2m",
    metric: Scaling.RequestRate(50),
  }),
});
