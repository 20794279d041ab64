// Renders deploy/kubernetes/base and overlays/example with `kubectl kustomize` and validates every object
// offline, as an API server with strict field validation would:
//   1. against the schema of its kind (kubernetes-models: Kubernetes' OpenAPI, and the cert-manager and
//      Prometheus Operator CRDs): types, required fields, enums, formats;
//   2. for unknown fields (a typo such as `securityContex` passes the schemas, which allow extra properties):
//      each object is written as a typed TypeScript literal and `tsc` checks it with its excess-property check.
// It first checks itself: a Deployment with a misspelt field and a wrong type must be refused, or this test
// could not fail. Usage (from the repository root, after `npm ci --prefix deploy/kubernetes/test`):
//   node deploy/kubernetes/test/validate.mjs
// Exit 0 when every object is valid; the last line is "N passed, M failed".
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const kubernetesDir = dirname(here);
const require = createRequire(import.meta.url);

// apiVersion/kind -> the module of its model (class K, interface IK). A kind missing here fails the check.
const MODELS = {
  "v1/Namespace": "kubernetes-models/v1/Namespace",
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "v1/Secret": "kubernetes-models/v1/Secret",
  "v1/Service": "kubernetes-models/v1/Service",
  "v1/ServiceAccount": "kubernetes-models/v1/ServiceAccount",
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "policy/v1/PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
  "networking.k8s.io/v1/NetworkPolicy": "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
  "cert-manager.io/v1/Certificate": "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate",
  "cert-manager.io/v1/Issuer": "@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer",
  "cert-manager.io/v1/ClusterIssuer": "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer",
  "monitoring.coreos.com/v1/PodMonitor":
    "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor",
};

const KUSTOMIZATIONS = ["base", "overlays/example"];

let passed = 0;
let failed = 0;
const pass = (what) => {
  passed++;
  console.log(`  ok    ${what}`);
};
const fail = (what, why) => {
  failed++;
  console.log(`  FAIL  ${what}\n        ${why.replaceAll("\n", "\n        ")}`);
};

function render(kustomization) {
  try {
    return execFileSync("kubectl", ["kustomize", join(kubernetesDir, kustomization)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    if (e.code === "ENOENT") {
      console.log(
        "validate.mjs: kubectl is not installed (expected: kubectl 1.21+ with kustomize v4+; .ci/run installs it)",
      );
      process.exit(2);
    }
    throw new Error(`kubectl kustomize ${kustomization} failed:\n${e.stderr || e.message}`);
  }
}

function objects(yamlText) {
  return parseAllDocuments(yamlText)
    .map((doc) => doc.toJS())
    .filter((o) => o !== null);
}

const name = (o) => `${o.kind}/${o.metadata?.name ?? "?"}`;

// 1. The schema of the kind.
async function schemaCheck(object) {
  const module = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!module) {
    return `no schema for apiVersion ${object.apiVersion} kind ${object.kind} (expected: one of ${Object.keys(MODELS).join(", ")}; add its kubernetes-models module to MODELS)`;
  }
  const Model = (await import(module))[object.kind];
  try {
    new Model(object).validate();
    return null;
  } catch (e) {
    return e.message;
  }
}

// 2. Unknown fields: every object as a typed literal; tsc reports excess properties with their line.
function unknownFieldCheck(entries) {
  const dir = mkdtempSync(join(tmpdir(), "chainsight-k8s-"));
  try {
    const lines = [];
    const owner = []; // line number (1-based) -> entry index
    entries.forEach(({ object }, i) => {
      const module = MODELS[`${object.apiVersion}/${object.kind}`];
      if (!module) {
        return;
      }
      const start = lines.length;
      lines.push(`import type { I${object.kind} as T${i} } from "${module}";`);
      const literal = JSON.stringify(object, null, 1).split("\n");
      literal[0] = `export const o${i}: T${i} = ${literal[0]}`;
      literal[literal.length - 1] += ";";
      lines.push(...literal);
      for (let l = start; l < lines.length; l++) owner[l + 1] = i;
    });
    writeFileSync(join(dir, "objects.ts"), lines.join("\n") + "\n");
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          module: "esnext",
          moduleResolution: "bundler",
          target: "es2022",
          types: [],
          typeRoots: [],
          baseUrl: here,
          paths: { "*": [join(here, "node_modules", "*")] },
        },
        files: [join(dir, "objects.ts")],
      }),
    );
    const tsc = require.resolve("typescript/bin/tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], {
      encoding: "utf8",
    });
    const problems = new Map(); // entry index -> messages
    const other = [];
    for (const line of (run.stdout + run.stderr).split("\n")) {
      const m = line.match(/objects\.ts\((\d+),\d+\): error TS\d+: (.*)/);
      if (m && owner[Number(m[1])] !== undefined) {
        const i = owner[Number(m[1])];
        problems.set(i, [...(problems.get(i) ?? []), m[2]]);
      } else if (line.trim()) {
        other.push(line);
      }
    }
    if (run.status !== 0 && problems.size === 0) {
      throw new Error(`tsc failed without naming an object:\n${other.join("\n")}`);
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function validate(label, entries) {
  const unknown = unknownFieldCheck(entries);
  for (const [i, { object }] of entries.entries()) {
    const problems = [];
    const schema = await schemaCheck(object);
    if (schema) problems.push(`schema: ${schema}`);
    for (const message of unknown.get(i) ?? []) problems.push(`unknown field: ${message}`);
    if (problems.length === 0) {
      pass(`${label}: ${name(object)}`);
    } else {
      fail(`${label}: ${name(object)}`, problems.join("\n"));
    }
  }
}

// The check checks itself first: these must be refused, each for its own reason.
async function selfTest() {
  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "broken" },
    spec: {
      replicas: "two",
      selector: { matchLabels: { app: "x" } },
      template: {
        metadata: { labels: { app: "x" } },
        spec: { containers: [{ name: "x", image: "x", securityContex: { runAsUser: 10001 } }] },
      },
    },
  };
  const schema = await schemaCheck(deployment);
  const unknown = unknownFieldCheck([{ object: deployment }]).get(0) ?? [];
  const unknownKind = await schemaCheck({ apiVersion: "example.org/v1", kind: "Widget" });
  if (!schema || !schema.includes("replicas")) {
    fail("self-test: replicas: \"two\" is refused by the schema", `got: ${schema}`);
  } else if (!unknown.some((m) => m.includes("securityContex"))) {
    fail("self-test: securityContex is refused as an unknown field", `got: ${unknown.join("; ")}`);
  } else if (!unknownKind || !unknownKind.startsWith("no schema")) {
    fail("self-test: a kind without a schema is refused", `got: ${unknownKind}`);
  } else {
    pass("self-test: a wrong type, an unknown field and an unknown kind are refused");
  }
}

console.log("deploy/kubernetes: schemas (kubernetes-models) and unknown fields (tsc), offline");
await selfTest();
for (const kustomization of KUSTOMIZATIONS) {
  let entries;
  try {
    entries = objects(render(kustomization)).map((object) => ({ object }));
  } catch (e) {
    fail(`kubectl kustomize ${kustomization}`, e.message);
    continue;
  }
  await validate(kustomization, entries);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
