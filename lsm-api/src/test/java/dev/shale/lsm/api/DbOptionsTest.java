package dev.shale.lsm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DbOptionsTest {

  @Test
  void defaultsFollowTheDocumentedValues() {
    DbOptions o = DbOptions.defaults();
    assertEquals(64L << 20, o.memtableBytes());
    assertEquals(64 * 1024, o.maxKeyBytes());
    assertEquals(64 << 20, o.maxValueBytes());
    assertEquals(256 << 20, o.maxBatchBytes());
    assertEquals(WalRecoveryMode.TOLERATE_CORRUPTED_TAIL, o.walRecoveryMode());
    assertEquals(Durability.LOCAL, o.defaultDurability()); // README: a plain put is fsynced
    assertEquals(10, o.bloomBitsPerKey());
    assertEquals(7, o.numLevels());
  }

  @Test
  void builderRejectsBadValuesWithTheirName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DbOptions.builder().memtableBytes(10));
    assertEquals("memtableBytes must be at least 4096, was 10", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DbOptions.builder().walRecoveryMode(null));
    assertThrows(IllegalArgumentException.class, () -> DbOptions.builder().levelMultiplier(1.5));
  }

  @Test
  void contradictorySettingsAreRejectedAtBuild() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DbOptions.builder().level0SlowdownTrigger(40).level0StopTrigger(30).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> DbOptions.builder().maxKeyBytes(1000).maxBatchBytes(100).build());
  }

  @Test
  void toBuilderKeepsEverySetting() {
    DbOptions o =
        DbOptions.builder()
            .memtableBytes(1 << 20)
            .compression("none")
            .compactionThreads(3)
            .defaultDurability(Durability.LOCAL)
            .build();
    DbOptions copy = o.toBuilder().build();
    assertEquals(o.toString(), copy.toString());
    assertEquals(3, copy.compactionThreads());
    assertEquals(Durability.LOCAL, copy.defaultDurability());
  }
}
