package dev.shale.lsm.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shale.lsm.api.Db;
import dev.shale.lsm.api.DbOptions;
import dev.shale.lsm.api.Durability;
import dev.shale.lsm.api.WriteOptions;
import dev.shale.lsm.api.event.CommitGroupEvent;
import dev.shale.lsm.api.event.CompactionEvent;
import dev.shale.lsm.api.event.DbListener;
import dev.shale.lsm.api.event.FlushEvent;
import dev.shale.lsm.api.event.ManifestWrittenEvent;
import dev.shale.lsm.api.event.TableDeletedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Db tells its {@link DbListener}s what it does, with figures that match its stats, and a
 * listener that throws does not break it.
 */
class ListenerTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Records every event. */
  static final class Recorder implements DbListener {
    final List<FlushEvent> flushes = new CopyOnWriteArrayList<>();
    final List<CompactionEvent> compactions = new CopyOnWriteArrayList<>();
    final List<TableDeletedEvent> deleted = new CopyOnWriteArrayList<>();
    final List<ManifestWrittenEvent> manifests = new CopyOnWriteArrayList<>();
    final List<CommitGroupEvent> groups = new CopyOnWriteArrayList<>();

    @Override
    public void onFlushCompleted(FlushEvent event) {
      flushes.add(event);
    }

    @Override
    public void onCompactionCompleted(CompactionEvent event) {
      compactions.add(event);
    }

    @Override
    public void onTableDeleted(TableDeletedEvent event) {
      deleted.add(event);
    }

    @Override
    public void onManifestWritten(ManifestWrittenEvent event) {
      manifests.add(event);
    }

    @Override
    public void onCommitGroup(CommitGroupEvent event) {
      groups.add(event);
    }
  }

  @Test
  void flushesCompactionsDeletionsManifestsAndCommitGroupsAreTold() {
    Recorder recorder = new Recorder();
    DbListener throwing =
        new DbListener() {
          @Override
          public void onCommitGroup(CommitGroupEvent event) {
            throw new IllegalStateException("a broken listener");
          }
        };
    DbOptions options = DbOptions.builder().targetFileBytes(16 << 10).build();
    try (Db db = Shale.builder(dir).options(options).listener(throwing).listener(recorder).open()) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 500; i++) {
          db.put(b("key" + i), b("value-" + round + "-" + i), WriteOptions.of(Durability.MEMORY));
        }
        db.put(b("synced"), b("" + round)); // LOCAL: one fsynced group
        db.flush();
      }
      assertEquals(3, recorder.flushes.size());
      FlushEvent first = recorder.flushes.getFirst();
      assertEquals(1, first.tables().size());
      assertEquals(501, first.entries());
      assertTrue(first.bytes() > 0 && first.durationNanos() > 0, first.toString());
      assertEquals(
          db.stats().memtables().flushedBytes(),
          recorder.flushes.stream().mapToLong(FlushEvent::bytes).sum());
      assertEquals(1503, recorder.groups.stream().mapToInt(CommitGroupEvent::writes).sum());
      assertTrue(recorder.groups.stream().anyMatch(CommitGroupEvent::synced));
      assertTrue(recorder.groups.stream().anyMatch(g -> !g.synced()));

      db.compactRange(null, null);
      assertFalse(recorder.compactions.isEmpty());
      CompactionEvent merge =
          recorder.compactions.stream()
              .filter(c -> c.kind() == CompactionEvent.Kind.MERGE)
              .findFirst()
              .orElseThrow();
      assertTrue(merge.inputs().size() >= 1 && !merge.outputs().isEmpty(), merge.toString());
      assertTrue(merge.bytesWritten() > 0);
      assertArrayEquals(b("value-2-7"), db.get(b("key7")), "the Db works despite the listener");
    }
    long inputs =
        recorder.compactions.stream()
            .filter(c -> c.kind() == CompactionEvent.Kind.MERGE)
            .mapToLong(c -> c.inputs().size())
            .sum();
    assertTrue(
        recorder.deleted.size() >= inputs,
        "compaction inputs are deleted once unreferenced: " + recorder.deleted);
    assertTrue(recorder.manifests.size() >= 4, "a record per flush and compaction");
    assertTrue(recorder.manifests.stream().noneMatch(ManifestWrittenEvent::remote));
  }
}
