package dev.shale.lsm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.FencedException;
import dev.shale.lsm.api.TransactionConflictException;
import dev.shale.lsm.api.WriteStallException;
import dev.shale.lsm.server.protocol.ErrorCodes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

/** Engine exceptions become the documented status codes and come back as the same types. */
class ErrorCodesTest {
  private static RuntimeException roundTrip(RuntimeException e, Status.Code expected) {
    StatusRuntimeException status = ErrorCodes.toStatus(e);
    assertEquals(expected, status.getStatus().getCode());
    // What the client sees: the status and trailers, not the server's exception.
    return ErrorCodes.toException(
        new StatusRuntimeException(status.getStatus().withCause(null), status.getTrailers()));
  }

  @Test
  void eachEngineExceptionHasItsCodeAndComesBackAsItself() {
    CorruptionException corruption =
        assertInstanceOf(
            CorruptionException.class,
            roundTrip(
                new CorruptionException("000007.sst", 4096, "block checksum mismatch"),
                Status.Code.DATA_LOSS));
    assertEquals("000007.sst", corruption.file());
    assertEquals(4096, corruption.offset());
    assertEquals(
        "corruption in 000007.sst at offset 4096: block checksum mismatch",
        corruption.getMessage());

    FencedException fenced =
        assertInstanceOf(
            FencedException.class,
            roundTrip(new FencedException("fenced", 3, 4), Status.Code.FAILED_PRECONDITION));
    assertEquals(3, fenced.ownEpoch());
    assertEquals(4, fenced.newerEpoch());

    assertInstanceOf(
        WriteStallException.class,
        roundTrip(new WriteStallException("stalled"), Status.Code.RESOURCE_EXHAUSTED));
    assertInstanceOf(
        TransactionConflictException.class,
        roundTrip(new TransactionConflictException("conflict"), Status.Code.ABORTED));
    assertInstanceOf(
        IllegalArgumentException.class,
        roundTrip(new IllegalArgumentException("bad"), Status.Code.INVALID_ARGUMENT));
    assertInstanceOf(
        IllegalStateException.class,
        roundTrip(new IllegalStateException("closed"), Status.Code.UNAVAILABLE));
    assertEquals(
        Status.Code.INTERNAL,
        ErrorCodes.toStatus(new NullPointerException()).getStatus().getCode());
  }
}
