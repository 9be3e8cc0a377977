// Resolve hook of record-loads.mjs; runs on the module hooks thread.
import { appendFileSync } from 'node:fs';

let out;

export function initialize(data) {
  out = data.out;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  // Synchronous, so the line is written before the importing module can run.
  if (out) appendFileSync(out, `${result.url}\n`);
  return result;
}
