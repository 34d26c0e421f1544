package dev.shale.lsm.engine.version;

import dev.shale.lsm.api.CorruptionException;
import dev.shale.lsm.api.event.ManifestWrittenEvent;
import dev.shale.lsm.spi.KeyOrder;
import dev.shale.lsm.spi.io.RandomAccessInput;
import dev.shale.lsm.spi.io.SequentialOutput;
import dev.shale.lsm.spi.io.Storage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tree's persistent state: the current {@link Version}, file numbering, the last flushed
 * sequence, the oldest live WAL segment, and the manifest that records every change. Opening
 * replays the manifest that {@code CURRENT} names, then starts a fresh manifest holding one
 * snapshot edit. Thread-safe: {@link #logAndApply} serializes changes.
 */
public final class VersionSet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VersionSet.class);
  private static final String CURRENT = "CURRENT";
  private static final String MANIFEST_PREFIX = "MANIFEST-";
  private static final long MANIFEST_ROLL_BYTES = 4L << 20;

  private final Storage storage;
  private final Path directory;
  private final FileReleaser releaser;
  private final AtomicLong nextFileNumber;
  private Version current;
  private @Nullable ManifestLog manifest; // null when read-only
  private long manifestNumber;
  private boolean manifestBroken;
  private Consumer<ManifestWrittenEvent> onWritten = event -> {};
  private long logNumber;
  private long lastSequence;
  private long writerEpoch;
  private @Nullable String compactionStrategy;

  private VersionSet(
      Storage storage,
      Path directory,
      FileReleaser releaser,
      Version current,
      long nextFileNumber,
      long logNumber,
      long lastSequence,
      long writerEpoch,
      @Nullable String compactionStrategy,
      @Nullable ManifestLog manifest,
      long manifestNumber) {
    this.storage = storage;
    this.directory = directory;
    this.releaser = releaser;
    this.current = current;
    this.nextFileNumber = new AtomicLong(nextFileNumber);
    this.logNumber = logNumber;
    this.lastSequence = lastSequence;
    this.writerEpoch = writerEpoch;
    this.compactionStrategy = compactionStrategy;
    this.manifest = manifest;
    this.manifestNumber = manifestNumber;
    current.ref();
  }

  /** Whether {@code directory} holds a Db (a CURRENT file). */
  public static boolean exists(Storage storage, Path directory) {
    return storage.exists(directory.resolve(CURRENT));
  }

  /**
   * Opens the state in {@code directory}, creating an empty tree when there is none.
   *
   * @throws CorruptionException when CURRENT or the manifest is damaged
   * @throws IllegalArgumentException when the manifest has files deeper than {@code numLevels}
   */
  public static VersionSet open(
      Storage storage, Path directory, int numLevels, FileReleaser releaser) throws IOException {
    Recovered r = recover(storage, directory, numLevels);
    deleteStrayMetadata(storage, directory, r.manifestNumber());
    Version version = new Version(r.levels(), releaser);
    long nextFile = r.nextFileNumber();
    long manifestNumber = nextFile++;
    VersionEdit snapshot =
        snapshotEdit(
            version,
            nextFile,
            r.logNumber(),
            r.lastSequence(),
            r.writerEpoch(),
            r.compactionStrategy());
    ManifestLog log = writeManifest(storage, directory, manifestNumber, snapshot);
    if (r.manifestNumber() >= 0 && r.manifestNumber() != manifestNumber) {
      storage.delete(directory.resolve(manifestName(r.manifestNumber())));
      storage.syncDirectory(directory);
    }
    return new VersionSet(
        storage,
        directory,
        releaser,
        version,
        nextFile,
        r.logNumber(),
        r.lastSequence(),
        r.writerEpoch(),
        r.compactionStrategy(),
        log,
        manifestNumber);
  }

  /**
   * The state {@code r} read, for a read-only open: nothing is written (no new manifest, no stray
   * file deleted), and {@link #logAndApply} throws {@link IllegalStateException}.
   */
  public static VersionSet readOnly(
      Storage storage, Path directory, Recovered r, FileReleaser releaser) {
    return new VersionSet(
        storage,
        directory,
        releaser,
        new Version(r.levels(), releaser),
        r.nextFileNumber(),
        r.logNumber(),
        r.lastSequence(),
        r.writerEpoch(),
        r.compactionStrategy(),
        null,
        r.manifestNumber());
  }

  /**
   * The state recorded in a Db's manifest, read without changing anything.
   *
   * @param manifestNumber the manifest's number, or -1 for a directory without a Db
   * @param nextFileNumber the next unused file number
   * @param logNumber WAL segments below it hold only flushed data
   * @param lastSequence every write up to it is in SSTables
   * @param writerEpoch the last claimed writer epoch
   * @param compactionStrategy the strategy recorded last, or null
   * @param levels files per level, in each level's order
   * @param edits the edits replayed, oldest first
   * @param suspectTail the manifest's damaged or cut-off last record, or null
   * @param manifestBytes the manifest's length
   */
  public record Recovered(
      long manifestNumber,
      long nextFileNumber,
      long logNumber,
      long lastSequence,
      long writerEpoch,
      @Nullable String compactionStrategy,
      List<List<FileMeta>> levels,
      List<VersionEdit> edits,
      ManifestLog.@Nullable SuspectTail suspectTail,
      long manifestBytes) {

    /** The manifest's file name, or null for a directory without a Db. */
    public @Nullable String manifestFileName() {
      return manifestNumber < 0 ? null : manifestName(manifestNumber);
    }
  }

  /**
   * Reads the manifest that CURRENT names and replays its edits, read-only.
   *
   * @throws CorruptionException when CURRENT or the manifest is damaged
   * @throws IllegalArgumentException when the manifest has files deeper than {@code numLevels}
   */
  public static Recovered recover(Storage storage, Path directory, int numLevels)
      throws IOException {
    List<List<FileMeta>> levels = new ArrayList<>();
    for (int i = 0; i < numLevels; i++) {
      levels.add(new ArrayList<>());
    }
    long nextFile = 1;
    long logNumber = 0;
    long lastSequence = 0;
    long epoch = 0;
    String strategy = null;
    long manifestNumber = -1;
    List<VersionEdit> edits = List.of();
    ManifestLog.SuspectTail suspect = null;
    long manifestBytes = 0;
    if (exists(storage, directory)) {
      Path currentFile = directory.resolve(CURRENT);
      String name = readCurrent(storage, currentFile);
      manifestNumber = manifestNumberOf(name, currentFile);
      Path manifestFile = directory.resolve(name);
      if (!storage.exists(manifestFile)) {
        throw new CorruptionException(
            currentFile.toString(), 0, "CURRENT names " + name + ", which does not exist");
      }
      ManifestLog.Contents contents = ManifestLog.read(storage, manifestFile);
      edits = contents.edits();
      suspect = contents.suspectTail();
      manifestBytes = contents.length();
      for (VersionEdit edit : edits) {
        apply(levels, edit, manifestFile.toString());
        if (edit.nextFileNumber() != null) {
          nextFile = Math.max(nextFile, edit.nextFileNumber());
        }
        if (edit.logNumber() != null) {
          logNumber = edit.logNumber();
        }
        if (edit.lastSequence() != null) {
          lastSequence = edit.lastSequence();
        }
        if (edit.writerEpoch() != null) {
          epoch = edit.writerEpoch();
        }
        if (edit.compactionStrategy() != null) {
          strategy = edit.compactionStrategy();
        }
      }
      for (List<FileMeta> level : levels) {
        for (FileMeta f : level) {
          nextFile = Math.max(nextFile, f.fileId() + 1);
        }
      }
      nextFile = Math.max(nextFile, manifestNumber + 1);
    }
    // A file on disk may carry a number the manifest no longer knows (an interrupted flush, or an
    // edit lost to damage): never hand that number out again, or a new file would replace it.
    nextFile = Math.max(nextFile, highestFileNumberOnDisk(storage, directory) + 1);
    sortLevels(levels);
    return new Recovered(
        manifestNumber,
        nextFile,
        logNumber,
        lastSequence,
        epoch,
        strategy,
        levels,
        edits,
        suspect,
        manifestBytes);
  }

  /** The highest number of a table or manifest file in the Db directory, or 0. */
  private static long highestFileNumberOnDisk(Storage storage, Path directory) throws IOException {
    long highest = 0;
    for (Path file : storage.list(directory.resolve("sst"))) {
      highest = Math.max(highest, numberIn(file.getFileName().toString(), "", ".sst"));
    }
    for (Path file : storage.list(directory)) {
      highest = Math.max(highest, numberIn(file.getFileName().toString(), MANIFEST_PREFIX, ""));
    }
    return highest;
  }

  private static long numberIn(String name, String prefix, String suffix) {
    if (!name.startsWith(prefix) || !name.endsWith(suffix)) {
      return 0;
    }
    String digits = name.substring(prefix.length(), name.length() - suffix.length());
    if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(Character::isDigit)) {
      return 0;
    }
    return Long.parseLong(digits);
  }

  /**
   * Deletes manifests CURRENT does not name and a leftover CURRENT.tmp: what an open that crashed
   * (or ran out of space) between creating its new manifest and switching CURRENT to it left. They
   * were never current, so nothing depends on them; left in place, the next open could not create
   * its manifest.
   */
  private static void deleteStrayMetadata(Storage storage, Path directory, long currentNumber)
      throws IOException {
    String current = currentNumber < 0 ? null : manifestName(currentNumber);
    boolean deleted = false;
    for (Path file : storage.list(directory)) {
      String name = file.getFileName().toString();
      if ((name.startsWith(MANIFEST_PREFIX) && !name.equals(current))
          || name.equals(CURRENT + ".tmp")) {
        LOG.info("{}: deleting {}, left over by an open that did not finish", directory, name);
        storage.delete(file);
        deleted = true;
      }
    }
    if (deleted) {
      storage.syncDirectory(directory);
    }
  }

  /** The current version, unreferenced: call {@link Version#ref()} to keep it. */
  public synchronized Version current() {
    return current;
  }

  /**
   * The current version with a reference taken atomically; the caller must {@link Version#unref()}.
   */
  public synchronized Version acquireCurrent() {
    current.ref();
    return current;
  }

  /** Sets what is told after each record is durably appended (under this object's lock). */
  public synchronized void onWritten(Consumer<ManifestWrittenEvent> listener) {
    this.onWritten = listener;
  }

  /** The number {@link #newFileNumber()} hands out next. */
  public long peekNextFileNumber() {
    return nextFileNumber.get();
  }

  /** A new, never used file number. */
  public long newFileNumber() {
    return nextFileNumber.getAndIncrement();
  }

  /** WAL segments below this id hold only flushed data. */
  public synchronized long logNumber() {
    return logNumber;
  }

  /** Every write up to this sequence is in SSTables. */
  public synchronized long lastSequence() {
    return lastSequence;
  }

  public synchronized long writerEpoch() {
    return writerEpoch;
  }

  /** The compaction strategy recorded last, or null for a new Db. */
  public synchronized @Nullable String compactionStrategy() {
    return compactionStrategy;
  }

  /**
   * The current version (referenced; release it), the last flushed sequence and the next file
   * number, read together.
   */
  public synchronized State acquireState() {
    current.ref();
    return new State(current, lastSequence, nextFileNumber.get());
  }

  /**
   * A consistent view for mirroring the tree elsewhere.
   *
   * @param version the current version, referenced by the caller
   * @param lastSequence every write up to it is in the version's tables
   * @param nextFileNumber file numbers below it are used
   */
  public record State(Version version, long lastSequence, long nextFileNumber) {}

  /** The manifest file in use. */
  public synchronized String manifestFileName() {
    return manifestName(manifestNumber);
  }

  /**
   * Records {@code edit} durably in the manifest, then makes it the current version.
   *
   * @return the new current version (unreferenced)
   * @throws IOException when the manifest cannot be written; the current version is unchanged
   */
  public synchronized Version logAndApply(VersionEdit edit) throws IOException {
    if (manifest == null) {
      throw new IllegalStateException("the Db is open read-only: it records no changes");
    }
    List<List<FileMeta>> levels = new ArrayList<>();
    for (int l = 0; l < current.numLevels(); l++) {
      levels.add(new ArrayList<>(current.level(l)));
    }
    apply(levels, edit, "edit");
    sortLevels(levels);
    checkSortedLevelsDisjoint(levels, edit);
    Long floor = edit.nextFileNumber();
    if (floor != null) {
      nextFileNumber.accumulateAndGet(floor, Math::max);
    }
    edit.nextFileNumber(nextFileNumber.get());
    if (manifestBroken || Objects.requireNonNull(manifest).size() > MANIFEST_ROLL_BYTES) {
      // After a failed append the file may end in part of a record; appending after it would
      // turn that torn tail into damage in the middle. A fresh manifest starts clean.
      rollManifest();
      manifestBroken = false;
    }
    try {
      Objects.requireNonNull(manifest).append(edit);
    } catch (IOException | RuntimeException | Error e) {
      manifestBroken = true;
      throw e;
    }
    onWritten.accept(
        new ManifestWrittenEvent(
            false,
            manifestName(manifestNumber),
            edit.lastSequence() != null ? edit.lastSequence() : lastSequence,
            levels.stream().mapToInt(List::size).sum()));
    Version next = new Version(levels, releaser);
    next.ref();
    Version previous = current;
    current = next;
    if (edit.logNumber() != null) {
      logNumber = edit.logNumber();
    }
    if (edit.lastSequence() != null) {
      lastSequence = edit.lastSequence();
    }
    if (edit.writerEpoch() != null) {
      writerEpoch = edit.writerEpoch();
    }
    if (edit.compactionStrategy() != null) {
      compactionStrategy = edit.compactionStrategy();
    }
    previous.unref();
    return next;
  }

  /** Numbers of the files the current version lists. */
  public synchronized Set<Long> liveFileNumbers() {
    Set<Long> live = new HashSet<>();
    for (FileMeta f : current.allFiles()) {
      live.add(f.fileId());
    }
    return live;
  }

  @Override
  public synchronized void close() throws IOException {
    if (manifest != null) {
      manifest.close();
    }
    current.unref();
  }

  private void rollManifest() throws IOException {
    long number = newFileNumber();
    VersionEdit snapshot =
        snapshotEdit(
            current,
            nextFileNumber.get(),
            logNumber,
            lastSequence,
            writerEpoch,
            compactionStrategy);
    ManifestLog next = writeManifest(storage, directory, number, snapshot);
    long old = manifestNumber;
    try {
      Objects.requireNonNull(manifest).close();
    } catch (IOException e) {
      LOG.warn("closing the old manifest {} failed; it is replaced anyway", manifestName(old), e);
    }
    manifest = next;
    manifestNumber = number;
    storage.delete(directory.resolve(manifestName(old)));
    storage.syncDirectory(directory);
    LOG.info("rolled the manifest to {}", manifestName(number));
  }

  private static ManifestLog writeManifest(
      Storage storage, Path directory, long number, VersionEdit snapshot) throws IOException {
    Path file = directory.resolve(manifestName(number));
    ManifestLog log;
    try {
      log = ManifestLog.create(storage, file);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(storage, file, e);
      throw e;
    }
    try {
      log.append(snapshot);
      Path tmp = directory.resolve(CURRENT + ".tmp");
      storage.delete(tmp);
      try (SequentialOutput out = storage.create(tmp)) {
        out.write((manifestName(number) + "\n").getBytes(StandardCharsets.US_ASCII));
        out.sync();
      }
      storage.syncDirectory(directory);
      storage.rename(tmp, directory.resolve(CURRENT));
      storage.syncDirectory(directory);
      return log;
    } catch (IOException | RuntimeException e) {
      try {
        log.close();
      } catch (IOException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      if (!current(storage, directory).equals(manifestName(number))) {
        deleteQuietly(storage, file, e);
      }
      throw e;
    }
  }

  /** The name CURRENT holds, or "" when it cannot be read. */
  private static String current(Storage storage, Path directory) {
    try {
      return readCurrent(storage, directory.resolve(CURRENT));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** Deletes a manifest that never became current (an open failed while writing it). */
  private static void deleteQuietly(Storage storage, Path file, Exception failure) {
    try {
      storage.delete(file);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e); // the next open deletes it (deleteStrayMetadata)
    }
  }

  private static VersionEdit snapshotEdit(
      Version version,
      long nextFile,
      long logNumber,
      long lastSequence,
      long epoch,
      @Nullable String strategy) {
    VersionEdit edit =
        new VersionEdit()
            .nextFileNumber(nextFile)
            .logNumber(logNumber)
            .lastSequence(lastSequence)
            .writerEpoch(epoch);
    if (strategy != null) {
      edit.compactionStrategy(strategy);
    }
    for (int l = 0; l < version.numLevels(); l++) {
      for (FileMeta f : version.level(l)) {
        edit.addFile(l, f);
      }
    }
    return edit;
  }

  private static void apply(List<List<FileMeta>> levels, VersionEdit edit, String source) {
    for (VersionEdit.DeletedFile d : edit.deletedFiles()) {
      if (d.level() >= levels.size()
          || !levels.get(d.level()).removeIf(f -> f.fileId() == d.fileId())) {
        throw new CorruptionException(
            source,
            -1,
            "edit deletes file " + d.fileId() + " from level " + d.level() + " where it is not");
      }
    }
    for (VersionEdit.NewFile n : edit.addedFiles()) {
      if (n.level() >= levels.size()) {
        throw new IllegalArgumentException(
            "the Db has files in level "
                + n.level()
                + " but was opened with numLevels="
                + levels.size()
                + "; open it with numLevels >= "
                + (n.level() + 1));
      }
      levels.get(n.level()).add(n.file());
    }
  }

  private static void sortLevels(List<List<FileMeta>> levels) {
    levels.get(0).sort(Version.NEWEST_FIRST);
    for (int l = 1; l < levels.size(); l++) {
      levels.get(l).sort(Version.BY_SMALLEST_KEY);
    }
  }

  private static void checkSortedLevelsDisjoint(List<List<FileMeta>> levels, VersionEdit edit) {
    for (int l = 1; l < levels.size(); l++) {
      List<FileMeta> files = levels.get(l);
      for (int i = 1; i < files.size(); i++) {
        if (KeyOrder.compareKeys(files.get(i - 1).largestKey(), files.get(i).smallestKey()) >= 0) {
          throw new IllegalStateException(
              "edit "
                  + edit
                  + " would make level "
                  + l
                  + " overlap: "
                  + files.get(i - 1)
                  + " and "
                  + files.get(i));
        }
      }
    }
  }

  private static String readCurrent(Storage storage, Path currentFile) throws IOException {
    try (RandomAccessInput in = storage.openInput(currentFile)) {
      if (in.length() == 0 || in.length() > 256) {
        throw new CorruptionException(
            currentFile.toString(), 0, "CURRENT has an invalid length " + in.length());
      }
      byte[] bytes = new byte[(int) in.length()];
      in.readFully(0, bytes, 0, bytes.length);
      String text = new String(bytes, StandardCharsets.US_ASCII);
      if (!text.endsWith("\n")) {
        throw new CorruptionException(currentFile.toString(), 0, "CURRENT is truncated");
      }
      return text.substring(0, text.length() - 1);
    }
  }

  private static long manifestNumberOf(String name, Path currentFile) {
    if (!name.startsWith(MANIFEST_PREFIX)) {
      throw new CorruptionException(
          currentFile.toString(), 0, "CURRENT names '" + name + "', not a manifest");
    }
    try {
      return Long.parseLong(name.substring(MANIFEST_PREFIX.length()));
    } catch (NumberFormatException e) {
      throw new CorruptionException(
          currentFile.toString(), 0, "CURRENT names '" + name + "', not a manifest", e);
    }
  }

  /** The manifest file name for a number. */
  public static String manifestName(long number) {
    return String.format("%s%020d", MANIFEST_PREFIX, number);
  }

  /** Whether {@code fileName} is a manifest or the CURRENT pointer (or its temp file). */
  public static boolean isMetadataFile(String fileName) {
    return fileName.startsWith(MANIFEST_PREFIX) || fileName.startsWith(CURRENT);
  }
}
