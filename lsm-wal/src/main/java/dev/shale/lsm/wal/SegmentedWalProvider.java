package dev.shale.lsm.wal;

import dev.shale.lsm.spi.wal.WalCapability;
import dev.shale.lsm.spi.wal.WalOptions;
import dev.shale.lsm.spi.wal.WalProvider;
import dev.shale.lsm.spi.wal.WriteAheadLog;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The "segmented" write-ahead log provider: numbered segment files of checksummed batch records in
 * one directory, written through {@link WalOptions#storage()} (format in docs/formats.md section
 * 2). Stateless and thread-safe; the logs it opens follow {@link WriteAheadLog}'s threading rules.
 *
 * <p>Capabilities: {@link WalCapability#DURABLE_SYNC} (sync is an fdatasync of the active segment;
 * segment creation and deletion sync the directory), {@link WalCapability#RECOVERY_MODES} (all four
 * modes, with the repairs described in docs/formats.md) and {@link
 * WalCapability#SEGMENT_ROLL_BY_SIZE} (an append rolls first when the active segment has reached
 * {@link WalOptions#segmentBytes()}; a record is never split, so a segment can exceed that size by
 * one record).
 */
public final class SegmentedWalProvider implements WalProvider {
  /** The provider name, also written into every segment header. */
  public static final String NAME = SegmentFormat.FORMAT_NAME;

  private static final Set<WalCapability> CAPABILITIES =
      Collections.unmodifiableSet(
          EnumSet.of(
              WalCapability.DURABLE_SYNC,
              WalCapability.RECOVERY_MODES,
              WalCapability.SEGMENT_ROLL_BY_SIZE));

  /** For {@link java.util.ServiceLoader}; does no work. */
  public SegmentedWalProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<WalCapability> capabilities() {
    return CAPABILITIES;
  }

  /**
   * {@inheritDoc}
   *
   * @throws dev.shale.lsm.api.CorruptionException when an intact segment header names a format
   *     version this reader does not read, or a segment id other than its file name's; damaged
   *     headers are left to {@link WriteAheadLog#replay}, whose recovery mode decides
   */
  @Override
  public WriteAheadLog open(WalOptions options) throws IOException {
    return SegmentedLog.open(options);
  }
}
