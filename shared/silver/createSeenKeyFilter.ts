/**
 * A Bloom filter over key hashes, with a fixed memory size: `seen(hex)` answers "maybe seen
 * before" (rarely wrong) or "certainly new", then remembers the key. Staging flags the records of
 * keys that may repeat, so the merge looks for duplicates among those few rows only, and skips the
 * search entirely when nothing repeats. A false "maybe" costs a little SQL work, never a wrong result.
 */
export type SeenKeyFilter = { readonly seen: (keyHashHex: string) => boolean };

/** The unsigned 32-bit number written by 8 hex digits of `hex` from `start` (parsed in place: no substring per call). */
function hexWord(hex: string, start: number): number {
  let word = 0;
  for (let index = start; index < start + 8; index += 1) {
    const code = hex.charCodeAt(index);
    // '0'–'9' are 48–57, 'a'–'f' 97–102, 'A'–'F' 65–70.
    word = word * 16 + (code <= 57 ? code - 48 : (code | 32) - 87);
  }
  return word;
}

/** Creates the filter; `bits` is its size (default 2^26 bits = 8 MiB, ~0.01 % false positives at a million keys). */
export function createSeenKeyFilter(bits = 2 ** 26): SeenKeyFilter {
  const words = new Uint32Array(Math.ceil(bits / 32));
  const size = words.length * 32;
  return {
    seen: (hex) => {
      // The key hash is uniformly random, so three disjoint slices of it are independent positions.
      let seenAll = true;
      for (let slice = 0; slice < 3; slice += 1) {
        const position = hexWord(hex, slice * 8) % size;
        const mask = 1 << (position & 31);
        const index = position >>> 5;
        if (((words[index] as number) & mask) === 0) {
          seenAll = false;
          words[index] = (words[index] as number) | mask;
        }
      }
      return seenAll;
    },
  };
}
