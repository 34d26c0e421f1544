package dev.shale.lsm.engine.table;

import dev.shale.lsm.spi.InternalIterator;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/** Copies a merged stream of entries into a {@link TableSink}, keeping what the collapser keeps. */
public final class TableRewrite {
  private static final int CANCEL_CHECK_INTERVAL = 4096;

  private TableRewrite() {}

  /**
   * Copies every entry of {@code source} (positioned by this method) that {@code collapser} keeps.
   *
   * @param progress receives the number of entries read, in chunks, for progress reports
   * @param cancelled polled now and then; when true the copy stops with {@link
   *     CancellationException}
   */
  public static void copy(
      InternalIterator source,
      VersionCollapser collapser,
      TableSink sink,
      LongConsumer progress,
      BooleanSupplier cancelled)
      throws IOException {
    source.seekToFirst();
    int sinceCheck = 0;
    while (source.isValid()) {
      byte[] key = source.key();
      if (collapser.keep(key, source.sequence(), source.kind())) {
        sink.add(key, source.sequence(), source.kind(), source.value());
      }
      source.next();
      if (++sinceCheck == CANCEL_CHECK_INTERVAL) {
        progress.accept(sinceCheck);
        sinceCheck = 0;
        if (cancelled.getAsBoolean()) {
          throw new CancellationException("cancelled");
        }
      }
    }
    progress.accept(sinceCheck);
  }
}
