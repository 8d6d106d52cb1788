// Walks every B-tree of an lmdb file with plain file reads (no memory map) and checks its
// structure, so that damage lmdb itself would only meet mid-run (a wrong page type, a page number
// past the end, a node running off its page, a garbled free list that the next commit follows:
// MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_PROBLEM, or a segfault) is found before the file is used.
// It reads branch and leaf pages and one header per overflow value, never the values themselves
// (their bytes are CRC-checked on read). Node layout (mdb.c `MDB_node`): u16 lo, u16 hi, u16 flags,
// u16 ksize, then the key and the data; a branch node's child page is lo | hi << 16 | flags << 32,
// a leaf node's data size lo | hi << 16. Node offsets (u16 after the page header) and lower/upper
// count from the end of the page header.
import { closeSync, openSync, readSync } from 'node:fs';
import { checkLmdbHeader, NO_PAGE, P_BRANCH, P_LEAF, P_OVERFLOW, PAGE_HEADER, readDbRecord, type DbRecord, type LmdbMeta } from './lmdb-header.js';

const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;
const F_DUPDATA = 0x04;
const NODE_HEADER = 8;
const DB_RECORD = 48;
const MAX_DEPTH = 32;

class Damage extends Error {}

/** Check the trees of the file's newest meta; returns what is wrong, or undefined. */
export function checkLmdbTrees(path: string): string | undefined {
  const header = checkLmdbHeader(path);
  if (!header.ok) return header.damage;
  const fd = openSync(path, 'r');
  try {
    new TreeWalk(fd, header.meta).run();
    return undefined;
  } catch (error) {
    if (error instanceof Damage) return error.message;
    throw error;
  } finally {
    closeSync(fd);
  }
}

class TreeWalk {
  private readonly pageSize: number;
  private readonly lastPage: number;
  /** Pages reached so far: a page reached twice means a cycle or crossed trees. */
  private readonly seen: Uint8Array;

  constructor(
    private readonly fd: number,
    private readonly meta: LmdbMeta,
  ) {
    this.pageSize = meta.pageSize;
    this.lastPage = Number(meta.lastPage);
    this.seen = new Uint8Array(this.lastPage + 1);
  }

  run(): void {
    this.tree('free list', this.meta.free, (key, data) => this.checkFreeList(key, data));
    this.tree('main', this.meta.main, undefined);
  }

  private read(position: number, length: number): Buffer {
    const bytes = Buffer.alloc(length);
    if (readSync(this.fd, bytes, 0, length, position) !== length) throw new Damage(`short read at byte ${position}`);
    return bytes;
  }

  private pageNumber(pgno: bigint, what: string): number {
    if (pgno < 2n || pgno > this.meta.lastPage) throw new Damage(`${what} points to page ${pgno}, outside 2..${this.lastPage}`);
    return Number(pgno);
  }

  private mark(pgno: number, count: number, what: string): void {
    for (let p = pgno; p < pgno + count; p++) {
      if (this.seen[p]) throw new Damage(`page ${p} (${what}) is reached twice`);
      this.seen[p] = 1;
    }
  }

  /**
   * Walk one tree. `onValue` sees each leaf value (the free list's page lists); in the main tree,
   * named databases (F_SUBDATA nodes) are walked in turn.
   */
  private tree(name: string, db: DbRecord, onValue: ((key: Buffer, data: Buffer) => void) | undefined): void {
    if (db.root === NO_PAGE) {
      if (db.entries !== 0n) throw new Damage(`tree '${name}' is empty but records ${db.entries} entries`);
      return;
    }
    let entries = 0n;
    const visit = (pgno: number, depth: number): void => {
      if (depth > MAX_DEPTH || depth > db.depth) throw new Damage(`tree '${name}' is deeper than its recorded depth ${db.depth}`);
      this.mark(pgno, 1, `tree '${name}'`);
      const page = this.read(pgno * this.pageSize, this.pageSize);
      if (page.readBigUInt64LE(0) !== BigInt(pgno)) throw new Damage(`page ${pgno} of tree '${name}' says it is page ${page.readBigUInt64LE(0)}`);
      const flags = page.readUInt16LE(18);
      const isBranch = (flags & (P_BRANCH | P_LEAF | P_OVERFLOW)) === P_BRANCH;
      const isLeaf = (flags & (P_BRANCH | P_LEAF | P_OVERFLOW)) === P_LEAF;
      if (!isBranch && !isLeaf) throw new Damage(`page ${pgno} of tree '${name}' is neither a branch nor a leaf (flags 0x${flags.toString(16)})`);
      if (isLeaf !== (depth === db.depth)) throw new Damage(`page ${pgno} of tree '${name}' is a ${isLeaf ? 'leaf' : 'branch'} at depth ${depth} of ${db.depth}`);
      const lower = page.readUInt16LE(20);
      const upper = page.readUInt16LE(22);
      if (lower % 2 !== 0 || lower > upper || PAGE_HEADER + upper > this.pageSize) {
        throw new Damage(`page ${pgno} of tree '${name}' has bad bounds (lower ${lower}, upper ${upper})`);
      }
      const count = lower / 2;
      if (isBranch && count === 0) throw new Damage(`branch page ${pgno} of tree '${name}' is empty`);
      for (let i = 0; i < count; i++) {
        const at = PAGE_HEADER + page.readUInt16LE(PAGE_HEADER + 2 * i);
        const where = `node ${i} of page ${pgno} (tree '${name}')`;
        if (at < PAGE_HEADER + upper || at + NODE_HEADER > this.pageSize) throw new Damage(`${where} lies outside the page's node area`);
        const lo = page.readUInt16LE(at);
        const hi = page.readUInt16LE(at + 2);
        const nodeFlags = page.readUInt16LE(at + 4);
        const keyBytes = page.readUInt16LE(at + 6);
        const dataAt = at + NODE_HEADER + keyBytes;
        if (dataAt > this.pageSize) throw new Damage(`${where}: its ${keyBytes}-byte key runs off the page`);
        if (isBranch) {
          visit(this.pageNumber(BigInt(lo) | (BigInt(hi) << 16n) | (BigInt(nodeFlags) << 32n), where), depth + 1);
          continue;
        }
        entries++;
        const dataBytes = lo | (hi << 16);
        const key = page.subarray(at + NODE_HEADER, dataAt);
        if (nodeFlags & ~(F_BIGDATA | F_SUBDATA | F_DUPDATA)) throw new Damage(`${where} has unknown flags 0x${nodeFlags.toString(16)}`);
        const data = nodeFlags & F_BIGDATA ? this.overflow(page, dataAt, dataBytes, where, onValue !== undefined) : this.inline(page, dataAt, dataBytes, where);
        if (nodeFlags & F_SUBDATA && !(nodeFlags & F_DUPDATA)) {
          if (dataBytes !== DB_RECORD) throw new Damage(`${where}: a database record of ${dataBytes} bytes`);
          this.tree(key.toString('utf8').replace(/\0$/, ''), readDbRecord(data, 0), undefined);
        } else if (onValue) {
          onValue(key, data);
        }
      }
    };
    visit(this.pageNumber(db.root, `tree '${name}'`), 1);
    if (entries !== db.entries) throw new Damage(`tree '${name}' holds ${entries} entries but records ${db.entries}`);
  }

  private inline(page: Buffer, at: number, bytes: number, where: string): Buffer {
    if (at + bytes > this.pageSize) throw new Damage(`${where}: its ${bytes}-byte value runs off the page`);
    return page.subarray(at, at + bytes);
  }

  /** Check an overflow value's pages; read its data only when `wanted` (the free list). */
  private overflow(page: Buffer, at: number, bytes: number, where: string, wanted: boolean): Buffer {
    if (at + 8 > this.pageSize) throw new Damage(`${where}: its overflow page number runs off the page`);
    const first = this.pageNumber(page.readBigUInt64LE(at), where);
    const pages = Math.floor((PAGE_HEADER - 1 + bytes) / this.pageSize) + 1; // OVPAGES
    if (first + pages - 1 > this.lastPage) throw new Damage(`${where}: its ${pages} overflow pages from ${first} run past page ${this.lastPage}`);
    const header = this.read(first * this.pageSize, PAGE_HEADER);
    if (header.readBigUInt64LE(0) !== BigInt(first) || !(header.readUInt16LE(18) & P_OVERFLOW) || header.readUInt32LE(20) < pages) {
      throw new Damage(`${where}: page ${first} is not its overflow page of ${pages} pages`);
    }
    this.mark(first, pages, 'overflow');
    return wanted ? this.read(first * this.pageSize + PAGE_HEADER, bytes) : Buffer.alloc(0);
  }

  /**
   * A free-list record: u64 count, then that many i64 items. lmdb-js's liblmdb mixes page numbers
   * with zeros and negative run lengths, so each item must be 0, a page of the file, or minus a
   * count of at most every page: random bytes almost never pass.
   */
  private checkFreeList(key: Buffer, data: Buffer): void {
    const where = `free-list record ${key.length === 8 ? key.readBigUInt64LE(0) : key.toString('hex')}`;
    if (data.length < 8) throw new Damage(`${where} is ${data.length} bytes`);
    const count = data.readBigUInt64LE(0);
    if (count * 8n + 8n > BigInt(data.length)) throw new Damage(`${where} lists ${count} items in ${data.length} bytes`);
    for (let i = 0; i < Number(count); i++) {
      const item = data.readBigInt64LE(8 + 8 * i);
      if (item > this.meta.lastPage || -item > this.meta.lastPage + 1n) throw new Damage(`${where} lists page ${item}, outside the file's ${this.lastPage + 1} pages`);
    }
  }
}
