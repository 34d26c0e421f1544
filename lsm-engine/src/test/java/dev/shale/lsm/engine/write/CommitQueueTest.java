package dev.shale.lsm.engine.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CommitQueueTest {

  private static WriteBatch batch(int id) {
    return new WriteBatch().put(new byte[] {1}, java.nio.ByteBuffer.allocate(4).putInt(id).array());
  }

  private static int idOf(PendingWrite w) {
    int[] id = new int[1];
    w.batch()
        .forEach((i, k, b, ko, kl, vo, vl) -> id[0] = java.nio.ByteBuffer.wrap(b, vo, 4).getInt());
    return id[0];
  }

  @Test
  void everyWriteIsCommittedExactlyOnceAndGroupsNeverOverlap() throws Exception {
    List<Integer> committed = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean inGroup = new AtomicBoolean();
    AtomicInteger groups = new AtomicInteger();
    CommitQueue queue =
        new CommitQueue(
            group -> {
              assertFalse(inGroup.getAndSet(true), "two groups ran at once");
              groups.incrementAndGet();
              for (PendingWrite w : group) {
                committed.add(idOf(w));
                w.complete(null);
              }
              inGroup.set(false);
            },
            1 << 20);
    int threads = 8;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  queue.submit(PendingWrite.batch(batch(base + i), Durability.MEMORY, false));
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    assertEquals(threads * perThread, committed.size());
    assertEquals(threads * perThread, new HashSet<>(committed).size());
    assertTrue(groups.get() <= threads * perThread);
    // Each thread's writes commit in the order it submitted them.
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      List<Integer> mine =
          committed.stream().filter(i -> i >= base && i < base + perThread).toList();
      List<Integer> sorted = new ArrayList<>(mine);
      Collections.sort(sorted);
      assertEquals(sorted, mine);
    }
  }

  @Test
  void failuresReachTheirWritersAndControlActionsRunAlone() {
    RuntimeException boom = new IllegalStateException("boom");
    Set<String> seen = Collections.synchronizedSet(new HashSet<>());
    CommitQueue queue =
        new CommitQueue(
            group -> {
              for (PendingWrite w : group) {
                w.complete(boom);
              }
            },
            1 << 20);
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> queue.submit(PendingWrite.batch(batch(1), Durability.LOCAL, false)));
    assertSame(boom, e);
    queue.submit(PendingWrite.control(() -> seen.add("control")));
    assertEquals(Set.of("control"), seen);
    IllegalArgumentException checked =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                queue.submit(
                    PendingWrite.control(
                        () -> {
                          throw new IllegalArgumentException("bad");
                        })));
    assertEquals("bad", checked.getMessage());
  }

  @Test
  void aCommitterThatForgetsAWriteCompletesItWithAnError() {
    CommitQueue queue = new CommitQueue(group -> {}, 1 << 20);
    assertThrows(
        IllegalStateException.class,
        () -> queue.submit(PendingWrite.batch(batch(1), Durability.MEMORY, false)));
  }
}
