package dev.shale.lsm.server.protocol;

import dev.shale.lsm.api.DbStats;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link DbStats} as the {@code shale.v1.DbStats} message and back, field for field. Stateless and
 * thread-safe.
 */
public final class StatsMessages {
  private StatsMessages() {}

  /** The message for {@code stats}. */
  public static dev.shale.lsm.server.v1.DbStats toProto(DbStats stats) {
    DbStats.Memtables m = stats.memtables();
    DbStats.Writes w = stats.writes();
    DbStats.Cache c = stats.blockCache();
    DbStats.Compactions k = stats.compactions();
    DbStats.Snapshots s = stats.snapshots();
    DbStats.Shipping sh = stats.shipping();
    DbStats.Lifetime l = stats.lifetime();
    DbStats.BackgroundErrors r = stats.backgroundErrors();
    DbStats.Recovery o = stats.recovery();
    var out =
        dev.shale.lsm.server.v1.DbStats.newBuilder()
            .setLastSequence(stats.lastSequence())
            .setMemtables(
                dev.shale.lsm.server.v1.DbStats.Memtables.newBuilder()
                    .setActiveBytes(m.activeBytes())
                    .setActiveEntries(m.activeEntries())
                    .setImmutableCount(m.immutableCount())
                    .setImmutableBytes(m.immutableBytes())
                    .setFlushes(m.flushes())
                    .setFlushedBytes(m.flushedBytes()))
            .setWrites(
                dev.shale.lsm.server.v1.DbStats.Writes.newBuilder()
                    .setBatches(w.batches())
                    .setOperations(w.operations())
                    .setUserBytes(w.userBytes())
                    .setGroupCommits(w.groupCommits())
                    .setWalBytes(w.walBytes())
                    .setWalSyncs(w.walSyncs())
                    .setSlowdowns(w.slowdowns())
                    .setStops(w.stops())
                    .setStallMicros(w.stallMicros())
                    .setReadOnlyReason(w.readOnlyReason()))
            .setBlockCache(
                dev.shale.lsm.server.v1.DbStats.Cache.newBuilder()
                    .setCapacityBytes(c.capacityBytes())
                    .setUsedBytes(c.usedBytes())
                    .setHits(c.hits())
                    .setMisses(c.misses())
                    .setEvictions(c.evictions()))
            .setCompactions(
                dev.shale.lsm.server.v1.DbStats.Compactions.newBuilder()
                    .setStrategy(k.strategy())
                    .setCompleted(k.completed())
                    .setRunning(k.running())
                    .setBytesRead(k.bytesRead())
                    .setBytesWritten(k.bytesWritten())
                    .setMicros(k.micros())
                    .setPendingBytes(k.pendingBytes())
                    .setRunningInputEntries(k.runningInputEntries())
                    .setRunningEntriesDone(k.runningEntriesDone())
                    .setWriteAmplification(k.writeAmplification())
                    .setSpaceAmplification(k.spaceAmplification()))
            .setSnapshots(
                dev.shale.lsm.server.v1.DbStats.Snapshots.newBuilder()
                    .setOpen(s.open())
                    .setOldestSequence(s.oldestSequence())
                    .setOldestAgeMillis(s.oldestAgeMillis()))
            .setShipping(
                dev.shale.lsm.server.v1.DbStats.Shipping.newBuilder()
                    .setEnabled(sh.enabled())
                    .setWriterEpoch(sh.writerEpoch())
                    .setAppendedSequence(sh.appendedSequence())
                    .setShippedSequence(sh.shippedSequence())
                    .setLagMillis(sh.lagMillis())
                    .setWalObjects(sh.walObjects())
                    .setWalBytes(sh.walBytes())
                    .setManifests(sh.manifests())
                    .setTables(sh.tables())
                    .setTableBytes(sh.tableBytes())
                    .setDeletedObjects(sh.deletedObjects())
                    .setPutRequests(sh.putRequests())
                    .setGetRequests(sh.getRequests())
                    .setOtherRequests(sh.otherRequests())
                    .setRetries(sh.retries())
                    .setFenced(sh.fenced()))
            .setLifetime(
                dev.shale.lsm.server.v1.DbStats.Lifetime.newBuilder()
                    .setSinceMillis(l.sinceMillis())
                    .setFlushes(l.flushes())
                    .setFlushedBytes(l.flushedBytes())
                    .setCompactions(l.compactions())
                    .setCompactionBytesRead(l.compactionBytesRead())
                    .setCompactionBytesWritten(l.compactionBytesWritten())
                    .setBatches(l.batches())
                    .setOperations(l.operations())
                    .setUserBytes(l.userBytes()))
            .setBackgroundErrors(
                dev.shale.lsm.server.v1.DbStats.BackgroundErrors.newBuilder()
                    .setState(r.state().name())
                    .setAttempts(r.attempts())
                    .setRecoveries(r.recoveries())
                    .setLastError(r.lastError()))
            .setRecovery(
                dev.shale.lsm.server.v1.DbStats.Recovery.newBuilder()
                    .setWalRecordsReplayed(o.walRecordsReplayed())
                    .setWalRecordsDropped(o.walRecordsDropped())
                    .setWalBytesDropped(o.walBytesDropped())
                    .setWalDamage(o.walDamage())
                    .setManifestDamage(o.manifestDamage())
                    .setFilesSetAside(o.filesSetAside()));
    for (DbStats.Level level : stats.levels()) {
      out.addLevels(
          dev.shale.lsm.server.v1.DbStats.Level.newBuilder()
              .setLevel(level.level())
              .setFiles(level.files())
              .setBytes(level.bytes())
              .setTargetBytes(level.targetBytes()));
    }
    return out.build();
  }

  /**
   * The stats a message carries.
   *
   * @throws IllegalArgumentException for a recovery state this build does not know
   */
  public static DbStats fromProto(dev.shale.lsm.server.v1.DbStats p) {
    var m = p.getMemtables();
    var w = p.getWrites();
    var c = p.getBlockCache();
    var k = p.getCompactions();
    var s = p.getSnapshots();
    var sh = p.getShipping();
    var l = p.getLifetime();
    var r = p.getBackgroundErrors();
    var o = p.getRecovery();
    List<DbStats.Level> levels = new ArrayList<>();
    for (var level : p.getLevelsList()) {
      levels.add(
          new DbStats.Level(
              level.getLevel(), level.getFiles(), level.getBytes(), level.getTargetBytes()));
    }
    return new DbStats(
        p.getLastSequence(),
        new DbStats.Memtables(
            m.getActiveBytes(),
            m.getActiveEntries(),
            m.getImmutableCount(),
            m.getImmutableBytes(),
            m.getFlushes(),
            m.getFlushedBytes()),
        new DbStats.Writes(
            w.getBatches(),
            w.getOperations(),
            w.getUserBytes(),
            w.getGroupCommits(),
            w.getWalBytes(),
            w.getWalSyncs(),
            w.getSlowdowns(),
            w.getStops(),
            w.getStallMicros(),
            w.getReadOnlyReason()),
        levels,
        new DbStats.Cache(
            c.getCapacityBytes(), c.getUsedBytes(), c.getHits(), c.getMisses(), c.getEvictions()),
        new DbStats.Compactions(
            k.getStrategy(),
            k.getCompleted(),
            k.getRunning(),
            k.getBytesRead(),
            k.getBytesWritten(),
            k.getMicros(),
            k.getPendingBytes(),
            k.getRunningInputEntries(),
            k.getRunningEntriesDone(),
            k.getWriteAmplification(),
            k.getSpaceAmplification()),
        new DbStats.Snapshots(s.getOpen(), s.getOldestSequence(), s.getOldestAgeMillis()),
        new DbStats.Shipping(
            sh.getEnabled(),
            sh.getWriterEpoch(),
            sh.getAppendedSequence(),
            sh.getShippedSequence(),
            sh.getLagMillis(),
            sh.getWalObjects(),
            sh.getWalBytes(),
            sh.getManifests(),
            sh.getTables(),
            sh.getTableBytes(),
            sh.getDeletedObjects(),
            sh.getPutRequests(),
            sh.getGetRequests(),
            sh.getOtherRequests(),
            sh.getRetries(),
            sh.getFenced()),
        new DbStats.Lifetime(
            l.getSinceMillis(),
            l.getFlushes(),
            l.getFlushedBytes(),
            l.getCompactions(),
            l.getCompactionBytesRead(),
            l.getCompactionBytesWritten(),
            l.getBatches(),
            l.getOperations(),
            l.getUserBytes()),
        new DbStats.BackgroundErrors(
            r.getState().isEmpty()
                ? DbStats.BackgroundErrors.State.HEALTHY
                : DbStats.BackgroundErrors.State.valueOf(r.getState()),
            r.getAttempts(),
            r.getRecoveries(),
            r.getLastError()),
        new DbStats.Recovery(
            o.getWalRecordsReplayed(),
            o.getWalRecordsDropped(),
            o.getWalBytesDropped(),
            o.getWalDamage(),
            o.getManifestDamage(),
            o.getFilesSetAside()));
  }
}
