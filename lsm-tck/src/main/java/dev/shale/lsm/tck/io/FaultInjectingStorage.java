package dev.shale.lsm.tck.io;

/** Storage wrapper for fault injection and simulated power loss (being written). */
public final class FaultInjectingStorage {
  private FaultInjectingStorage() {}
}
