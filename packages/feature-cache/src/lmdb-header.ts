// Reads an lmdb data file's two meta pages with plain file reads, before anything maps the file:
// lmdb maps (last_pg + 1) pages of the newest meta, and touching a mapped page past the end of a
// truncated file kills the process with SIGBUS, which no try/catch can turn into an error.
// Layout (lmdb-js 3.x's liblmdb, mdb.c `MDB_page_header`, `MDB_meta`; 64-bit little-endian):
//   page header (24 bytes): u64 pgno @0, u64 txnid @8, u16 pad @16, u16 flags @18, u16 lower @20, u16 upper @22
//   meta (after the header, @24): u32 magic @24, u32 version @28, u64 address @32, u64 mapsize @40,
//     MDB_db free @48 (its u32 md_pad is the page size), MDB_db main @96, u64 last_pg @144, u64 txnid @152
//   MDB_db (48 bytes): u32 pad, u16 flags, u16 depth, u64 branch, leaf, overflow pages, u64 entries, u64 root @40
// Meta 0 is page 0, meta 1 page 1 (at offset page size).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const PAGE_HEADER = 24;
export const P_BRANCH = 0x01;
export const P_LEAF = 0x02;
export const P_OVERFLOW = 0x04;
const P_META = 0x08;
const MAGIC = 0xbeefc0de;
const DATA_VERSION = 2;
const META_BYTES = PAGE_HEADER + 144; // through mm_txnid
/** `P_INVALID`: the root of an empty tree. */
export const NO_PAGE = 0xffffffffffffffffn;

/** An `MDB_db` record: a B-tree's root and counts. */
export interface DbRecord {
  flags: number;
  depth: number;
  entries: bigint;
  root: bigint;
}

export interface LmdbMeta {
  pageSize: number;
  mapSize: bigint;
  lastPage: bigint;
  txnId: bigint;
  free: DbRecord;
  main: DbRecord;
}

/** What the file's header says: the newest meta, or why the file is damaged. */
export type HeaderCheck = { ok: true; meta: LmdbMeta; fileBytes: number } | { ok: false; damage: string };

export function readDbRecord(bytes: Buffer, at: number): DbRecord {
  return {
    flags: bytes.readUInt16LE(at + 4),
    depth: bytes.readUInt16LE(at + 6),
    entries: bytes.readBigUInt64LE(at + 32),
    root: bytes.readBigUInt64LE(at + 40),
  };
}

function parseMeta(bytes: Buffer, which: number, pageSize?: number): LmdbMeta | string {
  const flags = bytes.readUInt16LE(18);
  if (!(flags & P_META)) return `meta page ${which} is not a meta page`;
  if (bytes.readUInt32LE(24) !== MAGIC) return `meta page ${which} has a bad magic number`;
  if ((bytes.readUInt32LE(28) & 0xffff) !== DATA_VERSION) return `meta page ${which} has format version ${bytes.readUInt32LE(28) & 0xffff}, not ${DATA_VERSION}`;
  const size = bytes.readUInt32LE(48);
  if (size < 512 || size > 65536 || (size & (size - 1)) !== 0) return `meta page ${which} has a bad page size ${size}`;
  if (pageSize !== undefined && size !== pageSize) return `meta pages disagree on the page size (${pageSize}, ${size})`;
  const meta: LmdbMeta = {
    pageSize: size,
    mapSize: bytes.readBigUInt64LE(40),
    lastPage: bytes.readBigUInt64LE(144),
    txnId: bytes.readBigUInt64LE(152),
    free: readDbRecord(bytes, 48),
    main: readDbRecord(bytes, 96),
  };
  if (meta.lastPage < 1n) return `meta page ${which} has last page ${meta.lastPage}`;
  for (const [name, db] of [['free', meta.free], ['main', meta.main]] as const) {
    if (db.root !== NO_PAGE && (db.root < 2n || db.root > meta.lastPage)) {
      return `meta page ${which}: the ${name} tree's root page ${db.root} is outside 2..${meta.lastPage}`;
    }
  }
  return meta;
}

function readAt(fd: number, length: number, position: number): Buffer {
  const bytes = Buffer.alloc(length);
  const read = readSync(fd, bytes, 0, length, position);
  return bytes.subarray(0, read);
}

/**
 * Check an lmdb data file without mapping it: both meta pages valid (page flag, magic, version,
 * page size, roots within the file's pages), and the file at least (last_pg + 1) pages long by the
 * newer meta (lmdb picks the one with the higher txnid, even a garbled one, so both must be valid).
 */
export function checkLmdbHeader(path: string): HeaderCheck {
  const fd = openSync(path, 'r');
  try {
    const fileBytes = fstatSync(fd).size;
    if (fileBytes === 0) return { ok: false, damage: 'zero-length file' };
    if (fileBytes < META_BYTES) return { ok: false, damage: `${fileBytes} bytes, shorter than an lmdb header` };
    const first = parseMeta(readAt(fd, META_BYTES, 0), 0);
    if (typeof first === 'string') return { ok: false, damage: first };
    const { pageSize } = first;
    if (fileBytes < 2 * pageSize) return { ok: false, damage: `${fileBytes} bytes, shorter than its two ${pageSize}-byte meta pages` };
    const second = parseMeta(readAt(fd, META_BYTES, pageSize), 1, pageSize);
    if (typeof second === 'string') return { ok: false, damage: second };
    const meta = first.txnId >= second.txnId ? first : second;
    const needed = (meta.lastPage + 1n) * BigInt(pageSize);
    if (BigInt(fileBytes) < needed) {
      return { ok: false, damage: `truncated: ${fileBytes} bytes, its newest meta (txn ${meta.txnId}) needs ${needed} (pages 0..${meta.lastPage})` };
    }
    return { ok: true, meta, fileBytes };
  } finally {
    closeSync(fd);
  }
}
