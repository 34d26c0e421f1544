package dev.shale.lsm.engine.remote;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.WriteBatch;
import dev.shale.lsm.engine.PausePoints;
import dev.shale.lsm.engine.version.FileMeta;
import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A deterministic schedule explorer for the fencing protocol (docs/formats.md section 5), in the
 * spirit of SlateDB's FizzBee model of its WAL protocol, but running Shale's own code: new
 * primaries run {@link WriterClaim#claim} and {@link RemoteReplay#read} unchanged, each on its own
 * thread, against an in-memory store whose every call blocks until the explorer lets it through;
 * the old primary is a model of {@link WalShipper}'s contract (consecutive WAL slots, at most
 * {@code window} uploads in flight, a write acknowledged once its object and every earlier one are
 * in the bucket, fenced at the first slot it finds taken), whose uploads land whenever the explorer
 * says. The explorer enumerates the interleavings of those calls depth first (every one, for the
 * small configuration; a seeded random sample for the larger) and checks after each:
 *
 * <ul>
 *   <li>every write the old primary acknowledged is in the replay of every new primary that won;
 *   <li>no write the old primary failed is in any such replay;
 *   <li>the newest primary's first own WAL object lands (no older primary's late upload fences it);
 *   <li>some new primary wins when nothing newer claims after it.
 * </ul>
 */
class FencingScheduleExplorerTest {
  private static final int LEVELS = 7;

  /** One old primary and one new primary, every interleaving of their WAL calls. */
  @Test
  void everyInterleavingOfAnOldPrimaryAndAClaimantKeepsTheRule() throws Exception {
    Exploration e =
        new Exploration(
            Integer.getInteger("shale.explorer.writes", 3),
            2,
            1,
            key -> key.startsWith(RemoteKeys.WAL));
    long schedules = e.exploreAll(2_000_000);
    assertTrue(e.exhausted, "the small configuration must be explored completely: " + schedules);
    assertTrue(schedules > 1_000, "too few schedules to mean anything: " + schedules);
    assertTrue(e.claimsWon > 0 && e.acknowledgedAfterTheClaim > 0, e.toString());
  }

  /**
   * An old primary and two claimants racing for the same epoch, one of which may die at any call: a
   * seeded random sample of the interleavings of every store call.
   */
  @Test
  void sampledInterleavingsOfAnOldPrimaryAndTwoClaimantsKeepTheRule() throws Exception {
    Exploration e = new Exploration(2, 2, 2, key -> true);
    long seed = Long.getLong("shale.explorer.seed", 7);
    int samples = Integer.getInteger("shale.explorer.samples", 3_000);
    e.sample(new Random(seed), samples);
    assertTrue(e.claimsWon > 0, e.toString());
  }

  /**
   * An old primary that writes many objects (more than the fence width) while one new primary
   * claims: a seeded random sample, so its uploads can run far ahead of a slow fence loop.
   */
  @Test
  void sampledInterleavingsOfALongRunningOldPrimaryKeepTheRule() throws Exception {
    Exploration e = new Exploration(40, 4, 1, key -> key.startsWith(RemoteKeys.WAL));
    e.sample(new Random(Long.getLong("shale.explorer.seed", 7)), 1_000);
    assertTrue(e.claimsWon > 0 && e.acknowledgedAfterTheClaim > 0, e.toString());
  }

  /** One configuration: the old primary's writes and window, the claimants, what is scheduled. */
  private static final class Exploration {
    final int writes;
    final int window;
    final int claimants;
    final Predicate<String> scheduled;
    boolean exhausted;
    long claimsWon;
    long acknowledgedAfterTheClaim;

    Exploration(int writes, int window, int claimants, Predicate<String> scheduled) {
      this.writes = writes;
      this.window = window;
      this.claimants = claimants;
      this.scheduled = scheduled;
    }

    /** Depth-first over every schedule (up to {@code cap}); returns how many were run. */
    long exploreAll(long cap) throws Exception {
      List<Integer> prefix = new ArrayList<>();
      long runs = 0;
      while (runs < cap) {
        Run run = new Run(this, prefix, null);
        run.execute();
        runs++;
        // Backtrack: the deepest step with an untried option, then its next option.
        int depth = run.choices.size() - 1;
        while (depth >= 0 && run.choices.get(depth) + 1 >= run.options.get(depth)) {
          depth--;
        }
        if (depth < 0) {
          exhausted = true;
          return runs;
        }
        prefix = new ArrayList<>(run.choices.subList(0, depth));
        prefix.add(run.choices.get(depth) + 1);
      }
      return runs;
    }

    void sample(Random random, int samples) throws Exception {
      for (int i = 0; i < samples; i++) {
        new Run(this, List.of(), new Random(random.nextLong())).execute();
      }
    }

    @Override
    public String toString() {
      return "claims won "
          + claimsWon
          + ", runs where the old primary acknowledged a write after a new primary's claim "
          + acknowledgedAfterTheClaim;
    }
  }

  /** One schedule: the store, the old primary's model, the claimant threads, the choices made. */
  private static final class Run {
    private final Exploration config;
    private final List<Integer> prefix;
    private final @Nullable Random random;
    final List<Integer> choices = new ArrayList<>();
    final List<Integer> options = new ArrayList<>();
    private final GatedStore store;
    private final OldPrimary old;
    private final List<Claimant> claimants = new ArrayList<>();

    Run(Exploration config, List<Integer> prefix, @Nullable Random random) throws IOException {
      this.config = config;
      this.prefix = prefix;
      this.random = random;
      this.store = new GatedStore(config.scheduled);
      this.old = new OldPrimary(store, config.writes, config.window);
      for (int i = 0; i < config.claimants; i++) {
        claimants.add(new Claimant(store, "claimant-" + i));
      }
    }

    void execute() throws Exception {
      try {
        for (Claimant c : claimants) {
          c.startAndWaitToPark();
        }
        while (true) {
          List<Runnable> enabled = new ArrayList<>();
          for (Claimant c : claimants) {
            if (c.parked()) {
              enabled.add(c::step);
            }
          }
          if (claimants.size() > 1) {
            // The second claimant may also die wherever it stands (a claim left half done).
            Claimant last = claimants.getLast();
            if (last.parked()) {
              enabled.add(last::die);
            }
          }
          old.addActions(enabled);
          if (enabled.isEmpty()) {
            break;
          }
          int step = choices.size();
          int choice;
          if (step < prefix.size()) {
            choice = prefix.get(step);
          } else if (random != null) {
            choice = random.nextInt(enabled.size());
          } else {
            choice = 0;
          }
          choices.add(choice);
          options.add(enabled.size());
          enabled.get(choice).run();
        }
        check();
      } finally {
        for (Claimant c : claimants) {
          c.abandon();
        }
      }
    }

    private void check() {
      String where = "schedule " + choices + ": ";
      Claimant newest = null;
      for (Claimant c : claimants) {
        if (c.result == null) {
          continue;
        }
        config.claimsWon++;
        // What the new primary holds: its base manifest's state (tables, in the engine) and the
        // tail it replayed.
        Set<String> replayed = new TreeSet<>(store.stateOf(c.result.base().id()));
        replayed.addAll(c.replayedWrites());
        for (long s : old.acknowledged) {
          assertTrue(
              replayed.contains(oldWrite(s)),
              where + c.name + " (epoch " + c.result.epoch() + ") lacks acknowledged write " + s);
        }
        for (long s : old.failed) {
          assertTrue(
              !replayed.contains(oldWrite(s)),
              where + c.name + " replays write " + s + ", which failed");
        }
        for (Claimant earlier : claimants) {
          if (earlier.result != null
              && earlier.shippedFirstObject
              && earlier.result.epoch() < c.result.epoch()) {
            assertTrue(
                replayed.contains(earlier.name),
                where + c.name + " lacks the write " + earlier.name + " acknowledged before it");
          }
        }
        if (newest == null || c.result.epoch() > newest.result.epoch()) {
          newest = c;
        }
        if (old.acknowledgedAfter(c.claimedAtCall)) {
          config.acknowledgedAfterTheClaim++;
        }
      }
      if (newest != null) {
        assertTrue(
            newest.shippedFirstObject,
            where + "the newest primary's first WAL object was taken by an older primary");
      } else {
        assertTrue(
            claimants.stream().anyMatch(c -> c.died),
            where + "no claimant won, yet none died: " + claimants);
      }
    }
  }

  /** The old primary of epoch 1, as {@link WalShipper} behaves: see the class comment. */
  private static final class OldPrimary {
    private final GatedStore store;
    private final int window;
    private int unwritten;
    private long nextSequence;
    private long nextSlot;
    private boolean fenced;
    private final List<long[]> inFlight = new ArrayList<>(); // {slot, sequence, landed 0/1}
    final Set<Long> acknowledged = new TreeSet<>();
    final Set<Long> failed = new TreeSet<>();
    private final Map<Long, Long> acknowledgedAtStep = new HashMap<>();

    OldPrimary(GatedStore store, int writes, int window) throws IOException {
      this.store = store;
      this.window = window;
      this.unwritten = writes;
      // Its own manifest (the newest), then two objects already acknowledged.
      store.raw(RemoteKeys.manifest(1), manifest(1, 1, 0, 0).encode());
      for (long s = 1; s <= 2; s++) {
        store.raw(RemoteKeys.wal(s), object(1, s, s, oldWrite(s)));
        acknowledged.add(s);
      }
      nextSequence = 3;
      nextSlot = 3;
    }

    void addActions(List<Runnable> enabled) {
      if (fenced) {
        return;
      }
      if (unwritten > 0 && inFlight.size() < window) {
        enabled.add(this::cut);
      }
      for (long[] upload : inFlight) {
        if (upload[2] == 0) {
          enabled.add(() -> land(upload));
        }
      }
    }

    private void cut() {
      inFlight.add(new long[] {nextSlot++, nextSequence++, 0});
      unwritten--;
    }

    private void land(long[] upload) {
      boolean won =
          store.rawPutIfAbsent(
              RemoteKeys.wal(upload[0]), object(1, upload[0], upload[1], oldWrite(upload[1])));
      if (!won) {
        fenced = true;
        for (long[] u : inFlight) {
          failed.add(u[1]);
        }
        inFlight.clear();
        for (int i = 0; i < unwritten; i++) {
          failed.add(nextSequence++);
        }
        unwritten = 0;
        return;
      }
      upload[2] = 1;
      while (!inFlight.isEmpty() && inFlight.getFirst()[2] == 1) {
        long sequence = inFlight.removeFirst()[1];
        acknowledged.add(sequence);
        acknowledgedAtStep.put(sequence, store.calls());
      }
    }

    boolean acknowledgedAfter(long call) {
      return call >= 0 && acknowledgedAtStep.values().stream().anyMatch(at -> at > call);
    }
  }

  /** A new primary running the production claim and replay on its own thread. */
  private static final class Claimant {
    final GatedStore store;
    final String name;
    private final Semaphore go = new Semaphore(0);
    private final Semaphore parkedOrDone = new Semaphore(0);
    private volatile boolean finished;
    private volatile boolean waiting;
    private @Nullable Thread thread;
    boolean died;
    WriterClaim.@Nullable Result result;
    RemoteReplay.@Nullable Tail tail;
    boolean shippedFirstObject;
    long claimedAtCall = -1;

    Claimant(GatedStore store, String name) {
      this.store = store;
      this.name = name;
    }

    void startAndWaitToPark() throws InterruptedException {
      thread = Thread.ofPlatform().daemon().name(name).start(this::run);
      awaitParkedOrDone();
    }

    boolean parked() {
      return waiting && !finished && !died;
    }

    void step() {
      waiting = false;
      go.release();
      try {
        awaitParkedOrDone();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    void die() {
      died = true;
      waiting = false;
    }

    void abandon() {
      if (thread != null && thread.isAlive()) {
        thread.interrupt();
      }
    }

    private void awaitParkedOrDone() throws InterruptedException {
      if (!parkedOrDone.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new AssertionError(name + " neither reached a store call nor finished");
      }
    }

    /** Called by the store on this thread before a scheduled call: parks until granted. */
    void gate() throws IOException {
      waiting = true;
      parkedOrDone.release();
      try {
        go.acquire();
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException(name + " abandoned");
      }
    }

    private void run() {
      store.owner.set(this);
      try {
        StoreRetries retries = new StoreRetries(0);
        PausePoints points = new PausePoints();
        points.on("open.claimed", () -> claimedAtCall = store.calls());
        WriterClaim.Result claim = WriterClaim.claim(store, store, retries, LEVELS, name, points);
        RemoteReplay.Tail replay =
            RemoteReplay.read(
                store, claim.base().replayAfterWalId(), claim.fenceSlot(), claim.epoch());
        long last = claim.base().lastSequence();
        for (WalObject.Record r : replay.records()) {
          last = Math.max(last, r.lastSequence());
        }
        // As the engine: its own manifest first (create-only), then its first WAL object.
        RemoteManifest own =
            manifest(claim.claim().id() + 1, claim.epoch(), claim.shipAfter(), last);
        if (!retries.putIfAbsent(
            store, RemoteKeys.manifest(own.id()), own.encode(), name + "/manifest")) {
          return; // fenced by a newer claim
        }
        result = claim;
        tail = replay;
        Set<String> state = new TreeSet<>(store.stateOf(claim.base().id()));
        state.addAll(replayedWrites());
        store.recordState(own.id(), state);
        long slot = claim.shipAfter() + 1;
        shippedFirstObject =
            retries.putIfAbsent(
                store,
                RemoteKeys.wal(slot),
                object(claim.epoch(), slot, last + 1, name),
                name + "/wal");
      } catch (FencedException e) {
        // a newer claim won while this one fenced
      } catch (IOException e) {
        if (!(e instanceof java.io.InterruptedIOException)) {
          throw new AssertionError(name + " failed", e);
        }
      } finally {
        finished = true;
        parkedOrDone.release();
      }
    }

    /** The writes of the tail it replayed, by key. */
    Set<String> replayedWrites() {
      Set<String> writes = new TreeSet<>();
      if (tail != null) {
        for (WalObject.Record r : tail.records()) {
          r.batch()
              .forEach(
                  (i, kind, buffer, keyOffset, keyLength, valueOffset, valueLength) ->
                      writes.add(new String(buffer, keyOffset, keyLength, UTF_8)));
        }
      }
      return writes;
    }

    @Override
    public String toString() {
      return name + (died ? " (died)" : finished ? " (finished)" : "");
    }
  }

  /**
   * An in-memory store with put-if-absent and put ids. A call from a claimant's thread on a key the
   * configuration schedules first parks that thread until the explorer grants it; the old primary's
   * model calls {@link #raw} and {@link #rawPutIfAbsent} from the explorer's thread.
   */
  private static final class GatedStore implements ObjectStore {
    private final Predicate<String> scheduled;
    private final TreeMap<String, byte[]> objects = new TreeMap<>();
    private final Map<String, Map<String, String>> metadata = new HashMap<>();

    /** What each primary's own manifest holds (in the engine: its tables), by manifest id. */
    private final Map<Long, Set<String>> states = new HashMap<>();

    final ThreadLocal<Claimant> owner = new ThreadLocal<>();
    private long calls;

    GatedStore(Predicate<String> scheduled) {
      this.scheduled = scheduled;
    }

    synchronized long calls() {
      return calls;
    }

    synchronized void recordState(long manifestId, Set<String> writes) {
      states.put(manifestId, Set.copyOf(writes));
    }

    /**
     * The writes manifest {@code id} holds: those recorded for a primary's own manifest; a claim's
     * copy holds what the manifest it copied holds; the first manifest holds none.
     */
    synchronized Set<String> stateOf(long id) {
      for (long m = id; m > 1; m--) {
        Set<String> recorded = states.get(m);
        if (recorded != null) {
          return recorded;
        }
      }
      return Set.of();
    }

    synchronized void raw(String key, byte[] data) {
      objects.put(key, data);
    }

    synchronized boolean rawPutIfAbsent(String key, byte[] data) {
      calls++;
      return objects.putIfAbsent(key, data) == null;
    }

    private void gate(String key) throws IOException {
      Claimant c = owner.get();
      if (c != null && scheduled.test(key)) {
        c.gate();
      }
    }

    @Override
    public String uri() {
      return "gated://explorer";
    }

    @Override
    public Set<ObjectStoreCapability> capabilities() {
      return EnumSet.allOf(ObjectStoreCapability.class);
    }

    @Override
    public long maxObjectBytes() {
      return 1 << 20;
    }

    @Override
    public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
      gate(key);
      synchronized (this) {
        calls++;
        if (options.condition() instanceof PutCondition.IfAbsent && objects.containsKey(key)) {
          throw new PreconditionFailedException(key, key + " exists");
        }
        objects.put(key, data.clone());
        metadata.put(key, options.metadata());
        return new PutResult("e" + calls);
      }
    }

    @Override
    public byte[] get(String key) throws IOException {
      gate(key);
      synchronized (this) {
        calls++;
        byte[] data = objects.get(key);
        if (data == null) {
          throw new NoSuchObjectException(key);
        }
        return data.clone();
      }
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
      byte[] all = get(key);
      int from = (int) Math.min(offset, all.length);
      return java.util.Arrays.copyOfRange(all, from, Math.min(all.length, from + length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) throws IOException {
      gate(key);
      synchronized (this) {
        calls++;
        byte[] data = objects.get(key);
        return data == null
            ? Optional.empty()
            : Optional.of(
                new ObjectInfo(
                    key, data.length, "etag", Instant.EPOCH, metadata.getOrDefault(key, Map.of())));
      }
    }

    @Override
    public ListPage list(String prefix, @Nullable String startAfter, int maxKeys)
        throws IOException {
      gate(prefix);
      synchronized (this) {
        calls++;
        List<ObjectInfo> page = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : objects.tailMap(prefix).entrySet()) {
          if (!e.getKey().startsWith(prefix)) {
            break;
          }
          if (startAfter == null || e.getKey().compareTo(startAfter) > 0) {
            page.add(
                new ObjectInfo(e.getKey(), e.getValue().length, "etag", Instant.EPOCH, Map.of()));
          }
        }
        return new ListPage(page, null);
      }
    }

    @Override
    public void delete(String key) throws IOException {
      gate(key);
      synchronized (this) {
        calls++;
        objects.remove(key);
      }
    }

    @Override
    public void close() {}
  }

  private static RemoteManifest manifest(long id, long epoch, long replayAfter, long lastSequence) {
    List<List<FileMeta>> levels = new ArrayList<>();
    for (int i = 0; i < LEVELS; i++) {
      levels.add(List.of());
    }
    return new RemoteManifest(id, epoch, replayAfter, lastSequence, 1, "w", 0, levels);
  }

  /** The key of the old primary's write of sequence {@code sequence}: how a write is told apart. */
  private static String oldWrite(long sequence) {
    return "old-" + sequence;
  }

  /**
   * A WAL object holding one write, {@code key}, of sequence {@code sequence}. Writes are told
   * apart by key: a new primary reuses the sequences of the old one's failed writes for its own.
   */
  private static byte[] object(long epoch, long slot, long sequence, String key) {
    WalObject.Builder builder = new WalObject.Builder();
    builder.add(sequence, new WriteBatch().put(key.getBytes(UTF_8), new byte[] {1}));
    return builder.build(epoch, slot);
  }

  @Test
  void theModelOfTheOldPrimaryAcknowledgesOnlyAnUnbrokenRunOfItsObjects() throws IOException {
    GatedStore store = new GatedStore(k -> false);
    OldPrimary old = new OldPrimary(store, 3, 2);
    List<Runnable> actions = new ArrayList<>();
    old.addActions(actions);
    actions.get(0).run(); // cut slot 3
    actions.clear();
    old.addActions(actions);
    actions.get(0).run(); // cut slot 4
    store.raw(RemoteKeys.wal(3), new byte[0]); // a fence lands in slot 3 first
    actions.clear();
    old.addActions(actions);
    actions.get(1).run(); // slot 4 lands: not acknowledged, slot 3 is still out
    assertEquals(Set.of(1L, 2L), old.acknowledged);
    actions.clear();
    old.addActions(actions);
    actions.get(0).run(); // slot 3 is taken: fenced, every write after 2 failed
    assertEquals(Set.of(1L, 2L), old.acknowledged);
    assertEquals(Set.of(3L, 4L, 5L), old.failed);
  }
}
