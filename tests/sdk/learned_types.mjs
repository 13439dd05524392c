// Checks what `hookscope learned` writes for a handler with the real tools a handler uses:
// the TypeScript compiler type-checks the TypeScript type and the Zod module, and the payloads
// given are assigned to the type (so it accepts what the vendor sends); Zod parses each payload
// with the learned schema; Ajv (draft 2020-12) validates each against the learned JSON Schema.
//
//   node learned_types.mjs TYPES.ts ZOD.ts SCHEMA.json TYPE_NAME PAYLOADS.json REJECTED.json
//
// PAYLOADS.json is an array every check must accept; REJECTED.json an array Zod and the JSON
// Schema must refuse. Prints one JSON line: {"ok": true} or {"ok": false, "errors": [...]}.

import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [typesFile, zodFile, schemaFile, typeName, payloadsFile, rejectedFile] =
  process.argv.slice(2);
const payloads = JSON.parse(readFileSync(payloadsFile, "utf8"));
const rejected = JSON.parse(readFileSync(rejectedFile, "utf8"));
const errors = [];

// Type-check both files, and a file that assigns every payload to the learned type.
const dir = mkdtempSync(join(tmpdir(), "learned-"));
const types = join(dir, "types.ts");
const zod = join(dir, "zod.ts");
const use = join(dir, "use.ts");
writeFileSync(types, readFileSync(typesFile, "utf8"));
writeFileSync(zod, readFileSync(zodFile, "utf8"));
writeFileSync(
  use,
  `import type { ${typeName} } from "./types";\n` +
    payloads.map((p, i) => `export const p${i}: ${typeName} = ${JSON.stringify(p)};\n`).join(""),
);
const options = {
  strict: true,
  noEmit: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  skipLibCheck: true,
  typeRoots: [],
  baseUrl: dir,
  paths: { zod: [join(import.meta.dirname, "node_modules/zod")] },
};
const program = ts.createProgram([types, zod, use], options);
for (const d of ts.getPreEmitDiagnostics(program)) {
  const where = d.file ? `${d.file.fileName.replace(dir, "")}: ` : "";
  errors.push(`tsc: ${where}${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}

// Run the Zod module: transpiled to JavaScript beside this script, so `zod` resolves.
const js = ts.transpileModule(readFileSync(zodFile, "utf8"), {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText;
const compiled = join(import.meta.dirname, `.learned-${process.pid}.mjs`);
writeFileSync(compiled, js);
try {
  const module = await import(pathToFileURL(compiled).href);
  const schema = module[typeName];
  payloads.forEach((p, i) => {
    const r = schema.safeParse(p);
    if (!r.success) errors.push(`zod refused payload ${i}: ${r.error.message}`);
  });
  rejected.forEach((p, i) => {
    if (schema.safeParse(p).success) errors.push(`zod accepted rejected payload ${i}`);
  });
} finally {
  (await import("node:fs")).rmSync(compiled, { force: true });
}

// The JSON Schema, with a validator of its own.
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")));
payloads.forEach((p, i) => {
  if (!validate(p)) errors.push(`JSON Schema refused payload ${i}: ${ajv.errorsText(validate.errors)}`);
});
rejected.forEach((p, i) => {
  if (validate(p)) errors.push(`JSON Schema accepted rejected payload ${i}`);
});

console.log(JSON.stringify(errors.length ? { ok: false, errors } : { ok: true }));
