// Generates TypeScript types from the Markaz OpenAPI document (a URL or a file):
//   node generate.mjs http://localhost:8000/api/v1/openapi.json src/api/schema.d.ts
// The document marks exactly what is required, so defaults do not make fields required here; file
// uploads (format: binary) are typed as Blob, which FormData takes.
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const [source, target] = process.argv.slice(2);
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const url = /^https?:/.test(source) ? new URL(source) : pathToFileURL(source);

const ast = await openapiTS(url, {
  defaultNonNullable: false,
  transform(schemaObject) {
    if (schemaObject.format === "binary") return BLOB;
  },
});
fs.writeFileSync(target, astToString(ast));
