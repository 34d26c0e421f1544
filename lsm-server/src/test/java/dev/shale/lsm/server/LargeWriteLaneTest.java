package dev.shale.lsm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.server.protocol.ErrorCodes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link LargeWriteLane}: large writes one at a time, only while the Db has caught up and the heap
 * has room, refused from the headers when the client declares its size, and a connection that
 * ignores the retry hint refused from the headers too; small writes always pass.
 */
class LargeWriteLaneTest {
  private static final long LARGE = LargeWriteLane.THRESHOLD_BYTES;
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicLong freeHeap = new AtomicLong(1L << 30);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final LargeWriteLane lane = new LargeWriteLane(busy::get, freeHeap::get, now::get);

  @Test
  void smallWritesAlwaysPassEvenWhileTheDbIsBusy() {
    busy.set(true);
    assertNull(lane.refuseEarly("c1", 100));
    lane.enter("c1", LARGE - 1).run();
  }

  @Test
  void largeWritesGoOneAtATime() {
    Runnable first = lane.enter("c1", LARGE);
    StatusRuntimeException second =
        assertThrows(StatusRuntimeException.class, () -> lane.enter("c2", LARGE));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, second.getStatus().getCode());
    assertNotNull(second.getTrailers().get(ErrorCodes.RETRY_PUSHBACK), "a retry hint");
    assertNotNull(lane.refuseEarly("c3", 8 * LARGE), "a declared large write is refused early");
    first.run();
    now.addAndGet(LargeWriteLane.RETRY.toNanos());
    lane.enter("c2", LARGE).run();
  }

  @Test
  void aBusyDbOrAShortHeapPushesLargeWritesBack() {
    busy.set(true);
    assertThrows(StatusRuntimeException.class, () -> lane.enter("c1", LARGE));
    assertNotNull(lane.refuseEarly("c2", LARGE));
    busy.set(false);
    freeHeap.set(LargeWriteLane.HEAP_COST * 8 * LARGE - 1);
    assertThrows(StatusRuntimeException.class, () -> lane.enter("c3", 8 * LARGE));
    freeHeap.set(LargeWriteLane.HEAP_COST * 8 * LARGE);
    lane.enter("c3", 8 * LARGE).run();
  }

  @Test
  void aConnectionThatIgnoresTheRetryHintIsRefusedFromItsHeaders() {
    busy.set(true);
    assertThrows(StatusRuntimeException.class, () -> lane.enter("flooder", 8 * LARGE));
    busy.set(false);
    StatusRuntimeException early = lane.refuseEarly("flooder", -1);
    assertNotNull(early, "an undeclared call from a pushed-back connection is refused early");
    assertTrue(early.getStatus().getDescription().contains("retry hint"), early.toString());
    assertNull(lane.refuseEarly("flooder", 10), "a declared small write still passes");
    assertNull(lane.refuseEarly("someone-else", -1), "other connections are not affected");
    now.addAndGet(LargeWriteLane.RETRY.toNanos());
    assertNull(lane.refuseEarly("flooder", -1), "after the retry hint the connection is heard");
  }
}
