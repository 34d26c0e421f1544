package dev.shale.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.spi.sstable.SSTableFormat;
import dev.shale.lsm.tck.sstable.BrokenTableFormats;
import dev.shale.lsm.tck.sstable.SSTableFormatConformanceTest;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SSTable format suite fails every deliberately broken format, on the test aimed at it. */
class BrokenTableFormatsTest {

  private static void assertFails(Class<?> suite, String... expected) {
    Set<String> failed = SuiteFailures.of(suite);
    for (String name : expected) {
      assertTrue(
          failed.contains(name),
          () -> suite.getSimpleName() + ": expected " + name + " to fail; failed: " + failed);
    }
  }

  @Test
  void ignoringTheSnapshotIsCaught() {
    assertFails(
        IgnoresSnapshot.class,
        "roundTripMatchesTheModel",
        "manyVersionsOfOneKeySpanSeveralBlocks",
        "snapshotsBelowEveryVersionSeeNothing");
  }

  @Test
  void filterFalseNegativesAreCaught() {
    assertFails(
        FilterWithFalseNegatives.class, "filterHasNoFalseNegatives", "roundTripMatchesTheModel");
  }

  @Test
  void skippedChecksumVerificationIsCaught() {
    assertFails(
        SkipsChecksumVerification.class,
        "everyFlippedByteIsDetected",
        "verifyReadsEveryByteAndReportsProgress");
  }

  @Test
  void seeksIgnoringTheSequenceAreCaught() {
    assertFails(
        SeekIgnoresSequence.class,
        "roundTripMatchesTheModel",
        "manyVersionsOfOneKeySpanSeveralBlocks");
  }

  @Test
  void acceptingUnknownCodecsIsCaught() {
    assertFails(AcceptsAnyCodec.class, "unknownCodecsAreRejected");
  }

  static final class IgnoresSnapshot extends SSTableFormatConformanceTest {
    @Override
    protected SSTableFormat format() {
      return BrokenTableFormats.ignoresSnapshot(new BlockTableFormat());
    }
  }

  static final class FilterWithFalseNegatives extends SSTableFormatConformanceTest {
    @Override
    protected SSTableFormat format() {
      return BrokenTableFormats.filterWithFalseNegatives(new BlockTableFormat());
    }
  }

  static final class SkipsChecksumVerification extends SSTableFormatConformanceTest {
    @Override
    protected SSTableFormat format() {
      return BrokenTableFormats.skipsChecksumVerification(new BlockTableFormat());
    }
  }

  static final class SeekIgnoresSequence extends SSTableFormatConformanceTest {
    @Override
    protected SSTableFormat format() {
      return BrokenTableFormats.seekIgnoresSequence(new BlockTableFormat());
    }
  }

  static final class AcceptsAnyCodec extends SSTableFormatConformanceTest {
    @Override
    protected SSTableFormat format() {
      return BrokenTableFormats.acceptsAnyCodec(new BlockTableFormat());
    }
  }
}
