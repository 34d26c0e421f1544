package dev.shale.lsm.memtable.skiplist;

import dev.shale.lsm.memtable.arena.Arena;
import dev.shale.lsm.memtable.arena.EntryLayout;
import dev.shale.lsm.spi.EntryKind;
import dev.shale.lsm.spi.InternalIterator;
import dev.shale.lsm.spi.LookupResult;
import dev.shale.lsm.spi.memtable.Memtable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * A lock-free skip list whose nodes live in an {@code int[]} {@link Arena} (RocksDB's
 * InlineSkipList, in Java): each node is one block holding its tower of next pointers, a header and
 * the packed user key ({@link NodeLayout}); values sit in a second, {@code byte[]} arena. No node
 * is ever removed, so an insert needs one CAS per level, bottom up, and readers only acquire loads.
 * A search touches one cache line per node it passes: the next pointer and the key it compares sit
 * side by side.
 *
 * <p>Per entry beyond key and value: a 20-byte header (the 8-byte trailer included), 4 bytes per
 * tower level (1.33 levels on average with a branching factor of 4) and up to 3 bytes of padding
 * each for key and value. Measured with 16-byte keys and 100-byte values: 25.4 bytes, against 64
 * for a {@code ConcurrentSkipListSet} over one {@code byte[]} per entry. The garbage collector sees
 * a few hundred chunks instead of three objects per entry.
 *
 * <p>Thread-safe: {@link #add} may run in many threads at once, concurrently with reads.
 */
public final class SkipListMemtable implements Memtable {
  static final int MAX_HEIGHT = 12;

  /** Stands for the head node, whose tower is {@link #head}; 0 is "no node". */
  static final int HEAD = -1;

  private static final VarHandle HEAD_NEXT = MethodHandles.arrayElementVarHandle(int[].class);

  /**
   * Per-thread splice of this thread's last insert, reused by its next insert (see {@link #add}).
   */
  private static final ThreadLocal<Splice> SPLICE = ThreadLocal.withInitial(Splice::new);

  /** Numbers memtables, so a thread's splice names its memtable without keeping it reachable. */
  private static final AtomicLong IDS = new AtomicLong();

  private final long id = IDS.incrementAndGet();

  /** Per-thread packed search key, so that get and seek allocate nothing to search. */
  private static final ThreadLocal<NodeLayout.Probe> PROBE =
      ThreadLocal.withInitial(NodeLayout.Probe::new);

  private static final byte[] EMPTY = new byte[0];

  private final Arena nodes;
  private final Arena values;
  private final int[] head = new int[MAX_HEIGHT];
  private final AtomicInteger height = new AtomicInteger(1);
  private final LongAdder entries = new LongAdder();
  private volatile boolean frozen;

  /** An empty skip list whose arenas are sized for {@code expectedBytes} (0 when unknown). */
  public SkipListMemtable(long expectedBytes) {
    this.nodes = Arena.ofInts(expectedBytes);
    this.values = Arena.ofBytes(expectedBytes);
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
    if (frozen) {
      throw new IllegalStateException("memtable is frozen: add to the new active memtable");
    }
    int valueAddress = 0;
    if (valueLength > 0) {
      valueAddress = values.allocate(Arena.roundUp(valueLength));
      System.arraycopy(
          buffer,
          valueOffset,
          values.chunk(valueAddress),
          values.offset(valueAddress),
          valueLength);
    }
    int h = randomHeight();
    long units = (long) h + NodeLayout.KEY + NodeLayout.words(keyLength);
    int node = nodes.allocate(Arena.roundUp(units * Arena.UNIT)) + h;
    int[] chunk = nodes.intChunk(node);
    int o = nodes.intOffset(node);
    NodeLayout.writeHeader(chunk, o, keyLength, valueAddress, valueLength, trailer);
    NodeLayout.pack(buffer, keyOffset, keyLength, chunk, o + NodeLayout.KEY);

    int top = height.get();
    while (h > top) {
      if (height.compareAndSet(top, h)) {
        top = h;
        break;
      }
      top = height.get();
    }
    // RocksDB's splice reuse: a thread's last insert left, per level, the node just before it (its
    // own node on the levels it reached) and the next one. When the new node falls between the two
    // at level 0 (ascending keys: fillseq, sorted batches), it falls between them on every level,
    // so it needs no search at all; else it costs one or two compares of nodes still in cache.
    Splice s = SPLICE.get();
    int[] splice = s.nodes;
    if (s.memtable != id || s.height != top || !bracketsAtBottom(splice, chunk, o)) {
      int x = HEAD;
      for (int level = top - 1; level >= 0; level--) {
        int next = next(x, level);
        while (next != 0 && compareNodes(next, chunk, o) < 0) {
          x = next;
          next = next(x, level);
        }
        splice[level] = x;
        splice[MAX_HEIGHT + level] = next;
      }
      s.memtable = id;
      s.height = top;
    }
    // Link bottom up, so that a reader that reaches the node at some level finds every lower level
    // already linked. The CAS publishes the node's contents (and its value's) to acquiring readers.
    for (int level = 0; level < h; level++) {
      int prev = splice[level];
      int next = splice[MAX_HEIGHT + level];
      while (true) {
        chunk[o - 1 - level] = next;
        if (casNext(prev, level, next, node)) {
          break;
        }
        // Someone linked a node after prev meanwhile: walk on from prev (nodes are never removed,
        // so prev still precedes ours).
        next = next(prev, level);
        while (next != 0 && compareNodes(next, chunk, o) < 0) {
          prev = next;
          next = next(prev, level);
        }
      }
      splice[level] = node; // the next ascending key goes right after this one
      splice[MAX_HEIGHT + level] = chunk[o - 1 - level];
    }
    entries.increment();
  }

  /**
   * Whether a splice's level-0 pair (stale successors are fine: linking walks on past nodes added
   * since) still brackets the node at {@code chunk[o]}.
   */
  private boolean bracketsAtBottom(int[] splice, int[] chunk, int o) {
    int prev = splice[0];
    int next = splice[MAX_HEIGHT];
    return (prev == HEAD || compareNodes(prev, chunk, o) < 0)
        && (next == 0 || compareNodes(next, chunk, o) > 0);
  }

  /** A thread's splice: which memtable and height it was found in, predecessors then successors. */
  private static final class Splice {
    final int[] nodes = new int[2 * MAX_HEIGHT];
    long memtable; // 0: none (ids start at 1)
    int height;
  }

  private static int randomHeight() {
    int bits = ThreadLocalRandom.current().nextInt();
    int h = 1;
    while (h < MAX_HEIGHT && (bits & 3) == 0) {
      h++;
      bits >>>= 2;
    }
    return h;
  }

  @Override
  public @Nullable LookupResult get(byte[] key, long snapshot) {
    NodeLayout.Probe probe = PROBE.get().set(key, EntryLayout.probeTrailer(snapshot));
    int node = seek(probe);
    if (node == 0) {
      return null;
    }
    int[] chunk = nodes.intChunk(node);
    int o = nodes.intOffset(node);
    if (!NodeLayout.hasKey(chunk, o, probe)) {
      return null;
    }
    long trailer = NodeLayout.trailer(chunk, o);
    long sequence = EntryLayout.sequence(trailer);
    EntryKind kind = EntryLayout.kind(trailer);
    return kind == EntryKind.DELETE
        ? LookupResult.tombstone(sequence)
        : new LookupResult(kind, sequence, value(chunk, o));
  }

  /** The first node at or after the internal key {@code (key, trailer)}, or 0. */
  int seek(byte[] key, long trailer) {
    return seek(PROBE.get().set(key, trailer));
  }

  private int seek(NodeLayout.Probe probe) {
    int x = HEAD;
    int knownGreater = 0; // a node already compared as >= the probe: skip comparing it again
    for (int level = height.get() - 1; ; ) {
      int next = next(x, level);
      if (next != 0
          && next != knownGreater
          && NodeLayout.compare(nodes.intChunk(next), nodes.intOffset(next), probe) < 0) {
        x = next;
      } else {
        if (level == 0) {
          return next;
        }
        knownGreater = next;
        level--;
      }
    }
  }

  /** The node after {@code node} at level 0, or 0; {@link #HEAD} gives the first node. */
  int next(int node) {
    return next(node, 0);
  }

  private int next(int node, int level) {
    if (node == HEAD) {
      return (int) HEAD_NEXT.getAcquire(head, level);
    }
    return Arena.getAcquire(nodes.intChunk(node), nodes.intOffset(node) - 1 - level);
  }

  private boolean casNext(int node, int level, int expected, int value) {
    if (node == HEAD) {
      return HEAD_NEXT.compareAndSet(head, level, expected, value);
    }
    return Arena.compareAndSet(
        nodes.intChunk(node), nodes.intOffset(node) - 1 - level, expected, value);
  }

  private int compareNodes(int node, int[] chunk, int o) {
    return NodeLayout.compare(nodes.intChunk(node), nodes.intOffset(node), chunk, o);
  }

  byte[] key(int node) {
    return NodeLayout.key(nodes.intChunk(node), nodes.intOffset(node));
  }

  long trailer(int node) {
    return NodeLayout.trailer(nodes.intChunk(node), nodes.intOffset(node));
  }

  byte[] value(int node) {
    return value(nodes.intChunk(node), nodes.intOffset(node));
  }

  private byte[] value(int[] chunk, int o) {
    int length = chunk[o + NodeLayout.VALUE_LENGTH];
    if (length == 0) {
      return EMPTY;
    }
    int address = chunk[o + NodeLayout.VALUE_ADDRESS];
    int start = values.offset(address);
    return Arrays.copyOfRange(values.chunk(address), start, start + length);
  }

  @Override
  public InternalIterator iterator() {
    return new SkipListIterator(this);
  }

  @Override
  public long approximateBytes() {
    // Both arenas, the head tower, and this object with its counters.
    return nodes.approximateBytes() + values.approximateBytes() + 16L + 4L * MAX_HEIGHT + 128;
  }

  @Override
  public long entryCount() {
    return entries.sum();
  }

  /** Afterwards {@link #add} throws; reads are unaffected (the list is always sorted). */
  @Override
  public void freeze() {
    frozen = true;
  }
}
