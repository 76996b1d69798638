// Offline schema validation of Kubernetes manifests (no API server here: ../shared/reference/kubernetes-testing.md §4).
//
//   node deploy/validate/validate.mjs FILE_OR_DIR... [--expect-invalid FILE_OR_DIR...]
//
// Every YAML document of the inputs (directories: their *.yaml/*.yml files, recursively) is checked:
// - built-in kinds against the schemas of the kubernetes-models package (types, enums, required fields);
// - CustomResourceDefinitions also for being structural (what the API server demands of apiextensions.k8s.io/v1),
//   since kubernetes-models only checks the CRD's own shape;
// - custom resources against the openAPIV3Schema of a CRD found among the inputs (ajv, strict:false). Fields the schema
//   does not declare are reported too: the API server would prune them silently, so a typo would be lost.
// A document whose kind has no schema is a failure, not a skip, so a missing CRD among the inputs cannot go unnoticed.
// Inputs after --expect-invalid are the validator's own negative cases: each of their documents passes only when it is
// rejected (its reasons are printed), so CI notices when the checks themselves stop working.
// Prints one line per document, then "N passed, N failed"; exits 1 when anything failed or no document was found.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import Ajv from 'ajv';

const args = process.argv.slice(2);
const split = args.indexOf('--expect-invalid');
const inputs = split < 0 ? args : args.slice(0, split);
const invalidInputs = split < 0 ? [] : args.slice(split + 1);
if (inputs.length + invalidInputs.length === 0) {
  console.error('usage: node validate.mjs FILE_OR_DIR... [--expect-invalid FILE_OR_DIR...]');
  process.exit(2);
}

function yamlFiles(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .sort()
      .flatMap((name) => {
        const child = join(path, name);
        return statSync(child).isDirectory() || /\.ya?ml$/.test(name) ? yamlFiles(child) : [];
      });
  }
  return [path];
}

let passed = 0;
let failed = 0;
const expectedInvalid = new Set();
const report = (ok, where, what, problems = []) => {
  if (expectedInvalid.has(where)) {
    if (ok) {
      failed++;
      console.log(`FAIL  ${where} ${what}: accepted, but it is a negative case that must be rejected`);
    } else {
      passed++;
      console.log(`ok    ${where} ${what}: rejected as expected (${problems.join('; ')})`);
    }
    return;
  }
  if (ok) {
    passed++;
    console.log(`ok    ${where} ${what}`);
  } else {
    failed++;
    console.log(`FAIL  ${where} ${what}`);
    for (const p of problems) console.log(`        ${p}`);
  }
};

// ---- read everything first: CRDs may come after the resources that need them --------------------------------------------
const docs = [];
for (const input of [...inputs, ...invalidInputs]) {
  const negative = invalidInputs.includes(input);
  for (const file of yamlFiles(input)) {
    let parsed;
    try {
      parsed = parseAllDocuments(readFileSync(file, 'utf8'));
    } catch (e) {
      report(false, file, '(unreadable)', [e.message]);
      continue;
    }
    // a single document parses to a Document, several to an array-like EmptyStream/array
    const list = Array.isArray(parsed) ? parsed : [parsed];
    list.forEach((doc, index) => {
      const where = `${file}#${index}`;
      if (negative) expectedInvalid.add(where);
      if (doc.errors.length > 0) {
        report(false, where, '(YAML)', doc.errors.map((e) => e.message));
        return;
      }
      const value = doc.toJS({ maxAliasCount: 100 });
      // empty documents (comments only, a leading ---) are what Helm emits for disabled templates
      if (value === null || value === undefined) return;
      docs.push({ where, value });
    });
  }
}

// ---- CRDs: structural check, and a compiled validator per group/version/kind ---------------------------------------------
const ajv = new Ajv({ strict: false, allErrors: true });
const isInt = (n, bits) => Number.isInteger(n) && n >= -(2 ** (bits - 1)) && n < 2 ** (bits - 1);
ajv.addFormat('int32', { type: 'number', validate: (n) => isInt(n, 32) });
ajv.addFormat('int64', { type: 'number', validate: (n) => Number.isSafeInteger(n) });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i);
ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);

const preserves = (s) => s['x-kubernetes-preserve-unknown-fields'] === true;
// The rules of a structural schema (Kubernetes "Specifying a structural schema") that a typo most often breaks.
function structuralProblems(schema, path, out) {
  if (typeof schema !== 'object' || schema === null) {
    out.push(`${path}: not a schema`);
    return out;
  }
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if (!schema.type && !intOrString && !preserves(schema)) out.push(`${path}: no type`);
  if (schema.type === 'array' && !schema.items) out.push(`${path}: array without items`);
  // the root's metadata may be a bare object: the API server knows ObjectMeta itself
  const rootMetadata = /^[^.]+\.metadata$/.test(path);
  if (schema.type === 'object' && !schema.properties && !schema.additionalProperties && !preserves(schema) && !rootMetadata) {
    out.push(`${path}: object without properties, additionalProperties or x-kubernetes-preserve-unknown-fields`);
  }
  if (schema.properties && schema.additionalProperties && schema.additionalProperties !== false) {
    out.push(`${path}: properties and additionalProperties are mutually exclusive`);
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) structuralProblems(child, `${path}.${name}`, out);
  if (schema.items) structuralProblems(schema.items, `${path}[]`, out);
  if (typeof schema.additionalProperties === 'object') structuralProblems(schema.additionalProperties, `${path}{}`, out);
  return out;
}

// A copy of the schema that rejects undeclared fields wherever the API server would prune them.
function closed(schema) {
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy = { ...schema };
  if (copy.properties) {
    copy.properties = Object.fromEntries(Object.entries(copy.properties).map(([k, v]) => [k, closed(v)]));
    if (!preserves(copy) && copy.additionalProperties === undefined) copy.additionalProperties = false;
  }
  if (copy.items) copy.items = closed(copy.items);
  if (typeof copy.additionalProperties === 'object') copy.additionalProperties = closed(copy.additionalProperties);
  return copy;
}

const customKinds = new Map(); // "group/version/Kind" -> { validate, scope }
const isCrd = (v) => v.apiVersion === 'apiextensions.k8s.io/v1' && v.kind === 'CustomResourceDefinition';
for (const { where, value } of docs.filter((d) => isCrd(d.value))) {
  const spec = value.spec ?? {};
  for (const version of spec.versions ?? []) {
    const schema = version.schema?.openAPIV3Schema;
    const key = `${spec.group}/${version.name}/${spec.names?.kind}`;
    if (!schema) continue; // reported by the built-in check below
    try {
      customKinds.set(key, { validate: ajv.compile(closed(schema)), scope: spec.scope, where });
    } catch (e) {
      report(false, where, `CRD ${key}`, [`schema does not compile: ${e.message}`]);
    }
  }
}

// ---- built-in kinds -------------------------------------------------------------------------------------------------------
const modelCache = new Map();
async function builtInModel(apiVersion, kind) {
  // kubernetes-models lays its models out as <group>/<version>/<Kind>.js, core as v1/<Kind>.js
  const key = `${apiVersion}/${kind}`;
  if (!modelCache.has(key)) {
    let model = null;
    try {
      const module = await import(`kubernetes-models/${apiVersion}`);
      model = typeof module[kind] === 'function' && typeof module[kind].prototype.validate === 'function' ? module[kind] : null;
    } catch {
      model = null; // not a group/version the package knows
    }
    modelCache.set(key, model);
  }
  return modelCache.get(key);
}

const errorsOf = (errors) => (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}${e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`);

for (const { where, value } of docs) {
  if (typeof value !== 'object' || Array.isArray(value)) {
    report(false, where, '(not an object)', ['a Kubernetes manifest is a mapping']);
    continue;
  }
  const { apiVersion, kind } = value;
  const name = value.metadata?.name;
  const what = `${kind ?? '?'}/${name ?? '?'}`;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    report(false, where, what, ['apiVersion and kind are required']);
    continue;
  }
  const problems = [];
  if (typeof name !== 'string' || name.length === 0) problems.push('metadata.name is required');

  const custom = customKinds.get(`${apiVersion}/${kind}`);
  if (custom) {
    if (!custom.validate(value)) problems.push(...errorsOf(custom.validate.errors));
    if (custom.scope === 'Cluster' && value.metadata?.namespace) {
      problems.push(`metadata.namespace set on a cluster-scoped ${kind}`);
    }
    report(problems.length === 0, where, what, problems);
    continue;
  }
  const model = await builtInModel(apiVersion, kind);
  if (!model) {
    report(false, where, what, [`no schema for ${apiVersion} ${kind}: not a built-in kind and no CRD for it among the inputs`]);
    continue;
  }
  try {
    new model(value).validate();
  } catch (e) {
    problems.push(...(e.errors ? errorsOf(e.errors) : [e.message]));
  }
  if (isCrd(value)) {
    for (const version of value.spec?.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) problems.push(`version ${version.name}: no openAPIV3Schema`);
      else structuralProblems(schema, `${version.name}`, problems);
      if (version.subresources?.status && !schema?.properties?.status) {
        problems.push(`version ${version.name}: status subresource without a status property`);
      }
    }
  }
  report(problems.length === 0, where, what, problems);
}

if (passed + failed === 0) {
  console.log('no documents found');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
