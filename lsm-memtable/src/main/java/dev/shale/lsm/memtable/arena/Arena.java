package dev.shale.lsm.memtable.arena;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bump allocator over a list of chunks, {@code byte[]} or {@code int[]}, that hands out blocks of
 * 4-byte units named by an {@code int} address, so that a memtable holds millions of entries in a
 * few hundred objects (cheap for the garbage collector) with no per-entry object header or
 * reference. An {@code int[]} arena exists because only {@code int[]} elements support atomic
 * access (CAS, acquire loads): byte-array views support plain access only.
 *
 * <p>An address counts 4-byte units in a virtual space where chunk slot {@code s} starts at unit
 * {@code s * chunkUnits}: {@code address >>> slotShift} is the slot, the low bits the offset in
 * units. The space is 2^31 units (8 GiB) per arena. Address 0 is never handed out, so callers can
 * use it as "none". A block larger than a quarter chunk gets a chunk of its own (spanning as many
 * slots as its size needs), so that big values neither waste the rest of a chunk nor need chunks as
 * big as the biggest value.
 *
 * <p>Thread-safe: {@link #allocate} may run in many threads at once (one CAS on the fast path);
 * reads of a block are safe in any thread that learned its address through a happens-before edge
 * from the thread that wrote it (a volatile or CAS publication).
 */
public final class Arena {
  /** Addresses count units of this many bytes. */
  public static final int UNIT = 4;

  private static final int UNIT_SHIFT = 2;
  private static final long SPACE_BYTES = (1L << 31) * UNIT;
  private static final int MIN_CHUNK_SHIFT = 12;

  /**
   * Big memtables get chunks just large enough that G1 allocates each as a humongous object: one
   * chunk per region, straight into the old generation. A memtable lives until it is flushed, so
   * chunks in eden would be copied by every young collection (eden to survivor to old) while the
   * memtable fills: with 64 MiB memtables that copying made young pauses of hundreds of
   * milliseconds and grew the survivor spaces (and the resident set). Humongous chunks are never
   * copied, and G1 reclaims them at the first young collection after the memtable is dropped (eager
   * reclaim of unreferenced primitive arrays). Half a region is the smallest humongous size, and a
   * power of two plus the array header fits one region; the untouched rest of the region costs heap
   * accounting, not resident memory. With another collector, or when the region size cannot be
   * read, chunks are 1 MiB.
   */
  private static final int MAX_CHUNK_SHIFT = maxChunkShift();

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, order());
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, order());
  private static final VarHandle INT_ELEMENT = MethodHandles.arrayElementVarHandle(int[].class);

  private final boolean ints;

  private final int chunkShift;
  private final int chunkSize;
  private final int slotShift;
  private final int unitMask;
  private final int maxSlots;

  private final Object growLock = new Object();

  /**
   * Slot to chunk (all {@code byte[]} or all {@code int[]}); replaced when grown, never changed in
   * place for a slot a reader can know.
   */
  private volatile Object[] chunks;

  /**
   * Virtual byte position of the next free byte in the current chunk. Never rests at offset 0 of a
   * slot unless that slot has no chunk yet, so the fast path can tell "room here" from "grow".
   */
  private final AtomicLong cursor = new AtomicLong();

  private int nextSlot = 0; // guarded by growLock

  /** Bytes of every chunk allocated, headers included. */
  private final LongAdder held = new LongAdder();

  /**
   * An empty arena of {@code byte[]} chunks sized for about {@code expectedBytes} of data (0 when
   * unknown): chunks are about a sixteenth of it, between 4 KiB and half a G1 region (see {@link
   * #MAX_CHUNK_SHIFT}).
   *
   * @throws IllegalArgumentException when {@code expectedBytes} is negative
   */
  public static Arena ofBytes(long expectedBytes) {
    return new Arena(expectedBytes, false);
  }

  /** Like {@link #ofBytes}, with {@code int[]} chunks; offsets then count ints. */
  public static Arena ofInts(long expectedBytes) {
    return new Arena(expectedBytes, true);
  }

  private Arena(long expectedBytes, boolean ints) {
    this.ints = ints;
    if (expectedBytes < 0) {
      throw new IllegalArgumentException("expectedBytes must be >= 0, got " + expectedBytes);
    }
    long wanted = expectedBytes == 0 ? 1L << MAX_CHUNK_SHIFT : expectedBytes / 16;
    int shift = 64 - Long.numberOfLeadingZeros(Math.max(1, wanted - 1));
    this.chunkShift = Math.max(MIN_CHUNK_SHIFT, Math.min(MAX_CHUNK_SHIFT, shift));
    this.chunkSize = 1 << chunkShift;
    this.slotShift = chunkShift - UNIT_SHIFT;
    this.unitMask = (1 << slotShift) - 1;
    this.maxSlots = (int) (SPACE_BYTES >>> chunkShift);
    long expectedSlots = expectedBytes == 0 ? 16 : expectedBytes / chunkSize + 2;
    this.chunks = new Object[(int) Math.min(maxSlots, Math.max(4, expectedSlots))];
  }

  private static int maxChunkShift() {
    long region = 0;
    try {
      HotSpotDiagnosticMXBean vm =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (vm != null && Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) {
        region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
      }
    } catch (RuntimeException | LinkageError e) {
      region = 0; // not HotSpot, or jdk.management absent: the default below
    }
    if (region <= 0 || Long.bitCount(region) != 1) {
      return 20;
    }
    return Math.max(MIN_CHUNK_SHIFT, Math.min(24, Long.numberOfTrailingZeros(region) - 1));
  }

  private static ByteOrder order() {
    return ByteOrder.nativeOrder();
  }

  /** Bytes in a regular chunk. */
  public int chunkSize() {
    return chunkSize;
  }

  private Object newChunk(int bytes) {
    return ints ? new int[bytes >>> UNIT_SHIFT] : new byte[bytes];
  }

  /**
   * Reserves {@code bytes} (a positive multiple of {@link #UNIT}) of zeroed memory.
   *
   * @return the address of the block's first unit, never 0
   * @throws IllegalStateException when the arena's 8 GiB address space is used up
   */
  public int allocate(int bytes) {
    if (bytes <= 0 || (bytes & (UNIT - 1)) != 0) {
      throw new IllegalArgumentException("block size must be a positive multiple of 4: " + bytes);
    }
    if (bytes > chunkSize >>> 2) {
      return allocateOwnChunk(bytes);
    }
    while (true) {
      long p = cursor.get();
      int offset = (int) p & (chunkSize - 1);
      if (offset != 0 && offset + bytes <= chunkSize) {
        if (cursor.compareAndSet(p, p + bytes)) {
          return (int) (p >>> UNIT_SHIFT);
        }
      } else {
        int address = allocateInNewChunk(bytes);
        if (address != 0) {
          return address;
        }
      }
    }
  }

  /** Starts a new regular chunk with this block at its front; 0 when another thread did first. */
  private int allocateInNewChunk(int bytes) {
    synchronized (growLock) {
      long p = cursor.get();
      int offset = (int) p & (chunkSize - 1);
      if (offset != 0 && offset + bytes <= chunkSize) {
        return 0; // someone grew meanwhile; retry the fast path
      }
      int slot = claimSlots(1, newChunk(chunkSize), true);
      long start = (long) slot << chunkShift;
      // Address 0 is "none": the very first chunk gives up its first unit.
      long first = slot == 0 ? UNIT : 0;
      // A fast-path CAS that raced in just before keeps its block in the old chunk; later ones
      // fail, see the new chunk and retry.
      cursor.set(start + first + bytes);
      return (int) ((start + first) >>> UNIT_SHIFT);
    }
  }

  private int allocateOwnChunk(int bytes) {
    synchronized (growLock) {
      int slots = (int) (((long) bytes + chunkSize - 1) >>> chunkShift);
      int slot = claimSlots(slots, newChunk(bytes), false);
      // Slot 0 is always a regular chunk's (see claimSlots), so this address is never 0.
      return slot << slotShift;
    }
  }

  /** Installs {@code chunk} at the next free slot(s); guarded by growLock. */
  private int claimSlots(int slots, Object chunk, boolean regular) {
    int slot = nextSlot;
    if (slot == 0 && !regular) {
      // Keep slot 0 for a regular chunk so that no block other than the reserved unit has address
      // 0: give a big first block slot 1 and leave slot 0 empty.
      slot = 1;
    }
    if ((long) slot + slots > maxSlots) {
      throw new IllegalStateException(
          "memtable arena is full ("
              + (SPACE_BYTES >>> 20)
              + " MiB); freeze memtables well before that size");
    }
    Object[] table = chunks;
    if (slot + slots > table.length) {
      int grown = (int) Math.min(maxSlots, Math.max((long) table.length * 2, slot + slots));
      Object[] bigger = new Object[grown];
      System.arraycopy(table, 0, bigger, 0, table.length);
      table = bigger;
    }
    table[slot] = chunk;
    held.add(ints ? 16L + 4L * ((int[]) chunk).length : 16L + ((byte[]) chunk).length);
    chunks = table; // volatile write publishes the slot (and a grown table) before the address
    nextSlot = slot + slots;
    return slot;
  }

  /**
   * Bytes held: every chunk allocated (the unused rest of the current one included) and the chunk
   * table. Grows a chunk at a time, by at most a sixteenth of the expected size.
   */
  public long approximateBytes() {
    return held.sum() + 16L + 4L * chunks.length;
  }

  /** The chunk holding the block at {@code address} of a {@code byte[]} arena. */
  public byte[] chunk(int address) {
    return (byte[]) chunks[address >>> slotShift];
  }

  /** The byte offset of {@code address} in its {@link #chunk}. */
  public int offset(int address) {
    return (address & unitMask) << UNIT_SHIFT;
  }

  /** The chunk holding the block at {@code address} of an {@code int[]} arena. */
  public int[] intChunk(int address) {
    return (int[]) chunks[address >>> slotShift];
  }

  /** The int index of {@code address} in its {@link #intChunk}. */
  public int intOffset(int address) {
    return address & unitMask;
  }

  /** Reads an int at any offset. */
  public static int getInt(byte[] chunk, int offset) {
    return (int) INT.get(chunk, offset);
  }

  /** Writes an int at any offset. */
  public static void putInt(byte[] chunk, int offset, int value) {
    INT.set(chunk, offset, value);
  }

  /** Reads a long at any offset. */
  public static long getLong(byte[] chunk, int offset) {
    return (long) LONG.get(chunk, offset);
  }

  /** Writes a long at any offset. */
  public static void putLong(byte[] chunk, int offset, long value) {
    LONG.set(chunk, offset, value);
  }

  /** Reads an int element with acquire semantics. */
  public static int getAcquire(int[] chunk, int index) {
    return (int) INT_ELEMENT.getAcquire(chunk, index);
  }

  /** Compares-and-sets an int element, with volatile semantics. */
  public static boolean compareAndSet(int[] chunk, int index, int expected, int value) {
    return INT_ELEMENT.compareAndSet(chunk, index, expected, value);
  }

  /** Rounds {@code bytes} up to a multiple of {@link #UNIT}. */
  public static int roundUp(long bytes) {
    long rounded = (bytes + UNIT - 1) & -UNIT;
    if (rounded > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("entry too large: " + bytes + " bytes");
    }
    return (int) rounded;
  }
}
