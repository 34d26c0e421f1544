package dev.shale.lsm.memtable.vector;

import dev.shale.lsm.memtable.arena.Arena;
import dev.shale.lsm.memtable.arena.EntryLayout;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.memtable.Memtable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A memtable for bulk loads (RocksDB's VectorRep idea): {@link #add} appends the entry to an {@link
 * Arena} and its address to an append-order array, O(1) and nothing else; sorting waits for a
 * reader or for {@link #freeze()}.
 *
 * <p>Readers index lazily: the first {@link SortedRuns#covered()} entries are held in sorted runs,
 * the rest (the tail) in append order. A {@link #get} scans a short tail and sorts a longer one
 * into a new run (merging runs log-structured), so reads never sort the whole table each time. An
 * {@link #iterator()} first sorts the tail, then merges the immutable runs it captured, so it sees
 * a stable view while adds go on. {@link #freeze()} merges everything into one run and drops the
 * append-order array.
 *
 * <p>Per entry beyond key and value: the 16-byte entry header (the 8-byte trailer included) and up
 * to 3 bytes of padding in the arena, plus 4 bytes in the append-order array (until frozen) and 4
 * in the runs (once read or frozen): 20 to 24 bytes.
 *
 * <p>Thread-safety: one writer at a time (the engine serializes adds, with a happens-before edge
 * between successive writers), concurrently with any number of readers. Readers that need to extend
 * the index take a lock that the writer never takes.
 */
public final class VectorMemtable implements Memtable {
  /** A tail this short is scanned by {@link #get}, not sorted. */
  static final int TAIL_SCAN_LIMIT = 64;

  private static final int BLOCK_SHIFT = 12;
  private static final int BLOCK_SIZE = 1 << BLOCK_SHIFT;
  private static final int BLOCK_MASK = BLOCK_SIZE - 1;

  private static final VarHandle COUNT;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(VectorMemtable.class, "count", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Arena arena;

  /** Addresses in append order, in blocks so that growing never copies them; null once frozen. */
  private volatile int @Nullable [][] appended = new int[4][];

  /** Entries added; the writer publishes each entry with a release store, readers acquire. */
  @SuppressWarnings("UnusedVariable") // accessed through COUNT
  private int count;

  private volatile SortedRuns index = SortedRuns.EMPTY;
  private final Object indexLock = new Object();
  private volatile boolean frozen;

  /** An empty vector whose arena is sized for {@code expectedBytes} (0 when unknown). */
  public VectorMemtable(long expectedBytes) {
    this.arena = Arena.ofBytes(expectedBytes);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException for an invalid sequence, slice, or a tombstone with a value
   * @throws IllegalStateException after {@link #freeze()}
   */
  @Override
  public void add(
      long sequence,
      EntryKind kind,
      byte[] buffer,
      int keyOffset,
      int keyLength,
      int valueOffset,
      int valueLength) {
    long trailer =
        EntryLayout.checkedTrailer(
            sequence, kind, buffer, keyOffset, keyLength, valueOffset, valueLength);
    int[][] blocks = appended;
    if (frozen || blocks == null) {
      throw new IllegalStateException("memtable is frozen: add to the new active memtable");
    }
    int address = arena.allocate(EntryLayout.size(keyLength, valueLength));
    EntryLayout.write(
        arena.chunk(address),
        arena.offset(address),
        trailer,
        buffer,
        keyOffset,
        keyLength,
        valueOffset,
        valueLength);
    int n = (int) COUNT.getOpaque(this);
    if (n == Integer.MAX_VALUE) {
      throw new IllegalStateException("memtable holds the most entries it can: freeze it");
    }
    int b = n >>> BLOCK_SHIFT;
    if (b == blocks.length) {
      blocks = Arrays.copyOf(blocks, blocks.length * 2);
      appended = blocks;
    }
    int[] block = blocks[b];
    if (block == null) {
      block = new int[BLOCK_SIZE];
      blocks[b] = block;
    }
    block[n & BLOCK_MASK] = address;
    COUNT.setRelease(this, n + 1);
  }

  @Override
  public @Nullable LookupResult get(byte[] key, long snapshot) {
    long probe = EntryLayout.probeTrailer(snapshot);
    int n = (int) COUNT.getAcquire(this);
    // Read the blocks before the index: freeze() publishes the full index before dropping them.
    int[][] blocks = appended;
    SortedRuns runs = index;
    if (blocks != null && n - runs.covered() > TAIL_SCAN_LIMIT) {
      runs = refresh(n);
    }
    int best = 0;
    long bestTrailer = 0;
    for (int[] run : runs.runs()) {
      int i = AddressOrder.lowerBound(run, key, probe, arena);
      if (i < run.length) {
        int address = run[i];
        byte[] chunk = arena.chunk(address);
        int offset = arena.offset(address);
        if (EntryLayout.hasKey(chunk, offset, key)) {
          long trailer = EntryLayout.trailer(chunk, offset);
          if (best == 0 || Long.compareUnsigned(trailer, bestTrailer) > 0) {
            best = address;
            bestTrailer = trailer;
          }
        }
      }
    }
    if (blocks != null) {
      for (int i = runs.covered(); i < n; i++) {
        int address = blocks[i >>> BLOCK_SHIFT][i & BLOCK_MASK];
        byte[] chunk = arena.chunk(address);
        int offset = arena.offset(address);
        long trailer = EntryLayout.trailer(chunk, offset);
        if (Long.compareUnsigned(trailer, probe) <= 0
            && (best == 0 || Long.compareUnsigned(trailer, bestTrailer) > 0)
            && EntryLayout.hasKey(chunk, offset, key)) {
          best = address;
          bestTrailer = trailer;
        }
      }
    }
    if (best == 0) {
      return null;
    }
    long sequence = EntryLayout.sequence(bestTrailer);
    EntryKind kind = EntryLayout.kind(bestTrailer);
    return kind == EntryKind.DELETE
        ? LookupResult.tombstone(sequence)
        : new LookupResult(
            kind, sequence, EntryLayout.copyValue(arena.chunk(best), arena.offset(best)));
  }

  /** An index covering at least the first {@code n} entries. */
  private SortedRuns refresh(int n) {
    synchronized (indexLock) {
      SortedRuns runs = index;
      int[][] blocks = appended;
      if (runs.covered() >= n || blocks == null) {
        return runs;
      }
      int[] run = new int[n - runs.covered()];
      for (int i = runs.covered(), j = 0; i < n; i++, j++) {
        run[j] = blocks[i >>> BLOCK_SHIFT][i & BLOCK_MASK];
      }
      AddressOrder.sort(run, arena);
      runs = runs.with(run, arena);
      index = runs;
      return runs;
    }
  }

  /** The current index, for tests. */
  SortedRuns index() {
    return index;
  }

  @Override
  public InternalIterator iterator() {
    int n = (int) COUNT.getAcquire(this);
    SortedRuns runs = index;
    if (runs.covered() < n) {
      runs = refresh(n);
    }
    return new RunsIterator(arena, runs.runs());
  }

  @Override
  public long approximateBytes() {
    int[][] blocks = appended;
    long appendOrder = 0;
    if (blocks != null) {
      appendOrder = 16L + 4L * blocks.length;
      int n = (int) COUNT.getAcquire(this);
      appendOrder += ((n + BLOCK_MASK) >>> BLOCK_SHIFT) * (16L + 4L * BLOCK_SIZE);
    }
    return arena.approximateBytes() + appendOrder + index.bytes() + 128;
  }

  @Override
  public long entryCount() {
    return (int) COUNT.getAcquire(this);
  }

  /**
   * Sorts everything into one run for the flush and drops the append-order array; afterwards {@link
   * #add} throws. Readers may run meanwhile.
   */
  @Override
  public void freeze() {
    if (frozen) {
      return;
    }
    frozen = true;
    int n = (int) COUNT.getAcquire(this);
    synchronized (indexLock) {
      index = refresh(n).mergedIntoOne(arena);
    }
    appended = null;
  }
}
