/**
 * The certificate and key files a listener names (`certificate.certFile`, `certificate.keyFile`), read with
 * the care a file named by a client needs:
 *
 * - only under the directories the agent allows (`--certificate-dir`, and the state directory), checked on
 *   the path with `..` and symlinks resolved; a path outside them, or one that cannot be resolved, gets one
 *   and the same reason, so a client learns nothing about files it may not read;
 * - never the agent's own secrets (token, cookie secret, state), even inside an allowed directory;
 * - only a regular file (opened non-blocking, then checked on the open file, so a FIFO or a device neither
 *   blocks nor is read), of at most `maxBytes`, not empty, holding PEM;
 * - within `timeoutMs`, so a file system that hangs fails that listener and holds up nothing else for longer.
 *
 * Every failure is an `Error` whose message names the listener and the field; the data plane makes that
 * listener FAILED with it. Inline PEM (`certPem`, `keyPem`) is taken as it is.
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Certificate, type ResourceOf } from '../../lib';
import { CertificateError } from './errors';
import type { ListenerConfig } from './types';

/** The largest certificate or key file read: 1 MiB. */
export const MAX_CERTIFICATE_FILE_BYTES = 1024 * 1024;

/** How long reading one listener's certificate and key files may take. */
export const CERTIFICATE_READ_TIMEOUT_MS = 5000;

/** Where certificate files may be read from, and the limits of a read. */
export interface CertificateFilesOptions {
  /** The directories certificate and key files must lie under (symlinks and `..` resolved). @default [] (inline PEM only) */
  dirs?: readonly string[];
  /** Files never read, even under `dirs`: the agent's own secrets. @default [] */
  refused?: readonly string[];
  /** The largest file read, in bytes. @default MAX_CERTIFICATE_FILE_BYTES */
  maxBytes?: number;
  /** How long reading a listener's two files may take, in ms. @default CERTIFICATE_READ_TIMEOUT_MS */
  timeoutMs?: number;
}

type FileField = 'certFile' | 'keyFile';

/** Reads listeners' certificates under one policy (see the file's comment). */
export class CertificateFiles {
  private readonly dirs: readonly string[];
  private readonly refused: readonly string[];
  private readonly maxBytes: number;
  private readonly timeoutMs: number;

  constructor(options: CertificateFilesOptions = {}) {
    this.dirs = (options.dirs ?? []).map((dir) => resolve(dir));
    this.refused = (options.refused ?? []).map((file) => resolve(file));
    this.maxBytes = options.maxBytes ?? MAX_CERTIFICATE_FILE_BYTES;
    this.timeoutMs = options.timeoutMs ?? CERTIFICATE_READ_TIMEOUT_MS;
  }

  /** The listener's certificate as PEM text, reading its files when it names them; throws naming the listener and field. */
  async read(listener: ResourceOf<'Listener'>): Promise<ListenerConfig['tls']> {
    const certificate = listener.spec.certificate;
    if (certificate === undefined) return undefined;
    if ('certPem' in certificate) return { cert: certificate.certPem, key: certificate.keyPem };
    const files = Promise.all([
      this.readFile(listener.id, 'certFile', certificate.certFile),
      this.readFile(listener.id, 'keyFile', certificate.keyFile),
    ]);
    const [cert, key] = await withTimeout(
      files,
      this.timeoutMs,
      () =>
        `${listener.id}: certificate: reading ${certificate.certFile} and ${certificate.keyFile} took longer than ${this.timeoutMs} ms`,
    );
    const parsed = Certificate.safeParse({ certPem: cert, keyPem: key });
    if (!parsed.success) {
      const field: FileField = parsed.error.issues.some((issue) => issue.path.includes('certPem'))
        ? 'certFile'
        : 'keyFile';
      const what = field === 'certFile' ? 'a PEM certificate' : 'a PEM private key';
      throw new CertificateError(`${listener.id}: certificate.${field}: ${certificate[field]} does not hold ${what}`);
    }
    return { cert, key };
  }

  private async readFile(id: string, field: FileField, path: string): Promise<string> {
    const where = `${id}: certificate.${field}: ${path}`;
    const real = await this.allowedPath(path);
    if (real === undefined) throw new CertificateError(`${where}: ${this.notAllowed()}`);
    if (this.refused.includes(real))
      throw new CertificateError(`${where}: is one of the agent's own files, never served as a certificate`);
    let file;
    try {
      // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
      file = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY);
    } catch (error) {
      throw new CertificateError(
        `${where}: cannot open it: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    try {
      const stats = await file.stat();
      if (!stats.isFile()) throw new CertificateError(`${where}: is not a regular file (${fileType(stats)})`);
      if (stats.size > this.maxBytes) throw new CertificateError(`${where}: is larger than ${this.maxBytes} bytes`);
      // Read to the end, not to the size fstat gave: the file may have grown meanwhile.
      const chunks: Buffer[] = [];
      let length = 0;
      for (;;) {
        const { bytesRead, buffer } = await file.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, null);
        if (bytesRead === 0) break;
        chunks.push(buffer.subarray(0, bytesRead));
        length += bytesRead;
        if (length > this.maxBytes) throw new CertificateError(`${where}: is larger than ${this.maxBytes} bytes`);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') throw new CertificateError(`${where}: is empty`);
      return text;
    } finally {
      await file.close();
    }
  }

  /** The real path of `path` when it lies under an allowed directory; undefined otherwise or when it cannot be resolved. */
  private async allowedPath(path: string): Promise<string | undefined> {
    const realDirs = (await Promise.all(this.dirs.map((dir) => realpath(dir).catch(() => undefined)))).filter(
      (dir) => dir !== undefined,
    );
    const lexical = resolve(path);
    // Checked before the path is touched: nothing outside the directories is even resolved.
    if (![...this.dirs, ...realDirs].some((dir) => isUnder(lexical, dir))) return undefined;
    const real = await realpath(lexical).catch(() => undefined);
    return real !== undefined && realDirs.some((dir) => isUnder(real, dir)) ? real : undefined;
  }

  /** The one reason for a path outside the allowed directories, missing, or unreadable on the way there. */
  private notAllowed(): string {
    if (this.dirs.length === 0)
      return 'the agent reads no certificate files (start it with --certificate-dir, or give certPem and keyPem)';
    return `no such file under the certificate directories (${this.dirs.join(
      ', ',
    )}); start the agent with --certificate-dir for the directory that holds it`;
  }
}

/** What a data plane given no policy reads: no certificate file at all. */
export const NO_CERTIFICATE_FILES = new CertificateFiles();

function isUnder(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function fileType(stats: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isDirectory(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a directory';
  return stats.isSocket() ? 'a socket' : 'not a file';
}

/** `work`, or a `CertificateError` with `message()` once `ms` passed first. */
async function withTimeout<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_resolve, reject) => (timer = setTimeout(() => reject(new CertificateError(message())), ms)),
  );
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
