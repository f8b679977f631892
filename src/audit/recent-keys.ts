/**
 * A bounded set of recently seen keys: `seen` answers whether a key was already there and remembers
 * it. Two generations of half the capacity each: when the young one fills up, the old one is dropped
 * and the young one takes its place, so a key is remembered for at least `capacity / 2` and at most
 * `capacity` insertions, a key met again moves to the young generation, and every operation is O(1).
 * (Evicting single entries from the front of a Map degrades: V8 leaves holes there that every
 * eviction has to step over.) Memory stays flat however long the stream.
 */
export class RecentKeys {
  private young = new Set<string>();
  private old = new Set<string>();
  private readonly half: number;

  constructor(readonly capacity: number) {
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  seen(key: string): boolean {
    if (this.capacity <= 0) return false;
    if (this.young.has(key)) return true;
    const known = this.old.has(key);
    this.young.add(key);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Set();
    }
    return known;
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
