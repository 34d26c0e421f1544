package dev.shale.lsm.objectstore.local;

import dev.shale.lsm.spi.objectstore.ListPage;
import dev.shale.lsm.spi.objectstore.NoSuchObjectException;
import dev.shale.lsm.spi.objectstore.ObjectInfo;
import dev.shale.lsm.spi.objectstore.ObjectStore;
import dev.shale.lsm.spi.objectstore.ObjectStoreCapability;
import dev.shale.lsm.spi.objectstore.PreconditionFailedException;
import dev.shale.lsm.spi.objectstore.PutCondition;
import dev.shale.lsm.spi.objectstore.PutOptions;
import dev.shale.lsm.spi.objectstore.PutResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An object store on a local directory: one file per object (see {@link KeyPaths} for names and
 * {@link LocalObjectFormat} for contents). Thread-safe; several stores (and processes) may share a
 * directory.
 *
 * <p>Writes go to a temporary file in {@code <root>/%tmp}, are fsynced, and are then published
 * under the object's name, after which the folder is fsynced, so a put that returned survives a
 * power loss and a reader never sees a partial object:
 *
 * <ul>
 *   <li>if-absent publishes with {@link Files#createLink}: the file system lets exactly one of any
 *       number of concurrent creators (threads or processes) win, with no lock;
 *   <li>unconditional puts rename over the old file; if-match and delete hold the key's lock
 *       ({@link KeyLocks}: JVM-wide, and a byte-range lock for other processes) around check and
 *       rename, so if-match is a true compare-and-swap.
 * </ul>
 *
 * <p>The entity tag is the first 128 bits of SHA-256 of the object's bytes in hex: equal content
 * has equal tags, as with S3's MD5 tags. Emptied folders are left behind (harmless; removing them
 * would race with creators). Temporary files of a crashed writer older than an hour are removed
 * when a store opens.
 */
final class LocalObjectStore implements ObjectStore {
  static final String TEMP_FOLDER = "%tmp";

  private static final Set<ObjectStoreCapability> CAPABILITIES =
      Set.copyOf(EnumSet.allOf(ObjectStoreCapability.class));
  private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);
  private static final int COPY_BUFFER = 1 << 16;
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");

  private final Path root;
  private final Path temp;
  private final String uri;
  private final KeyLocks locks;
  private volatile boolean closed;

  private LocalObjectStore(Path root, KeyLocks locks) {
    this.root = root;
    this.temp = root.resolve(TEMP_FOLDER);
    this.uri = root.toUri().toString();
    this.locks = locks;
  }

  /** Opens (creating if needed) the store rooted at {@code dir}. */
  static LocalObjectStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path root = dir.toRealPath();
    Path temp = root.resolve(TEMP_FOLDER);
    if (!Files.isDirectory(temp)) {
      Files.createDirectories(temp);
      syncFolder(root);
    }
    removeStaleTemporaries(temp);
    return new LocalObjectStore(root, KeyLocks.acquire(root));
  }

  private static void removeStaleTemporaries(Path temp) throws IOException {
    FileTime cutoff = FileTime.from(Instant.now().minus(STALE_TEMP_AGE));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(temp)) {
      for (Path f : files) {
        try {
          if (Files.getLastModifiedTime(f).compareTo(cutoff) < 0) {
            Files.deleteIfExists(f);
          }
        } catch (NoSuchFileException e) {
          // another opener removed it
        }
      }
    }
  }

  /** The root directory. */
  Path root() {
    return root;
  }

  @Override
  public String uri() {
    return uri;
  }

  @Override
  public Set<ObjectStoreCapability> capabilities() {
    return CAPABILITIES;
  }

  /** Bounded by the file system only; {@link #get} refuses objects over 2 GiB. */
  @Override
  public long maxObjectBytes() {
    return Long.MAX_VALUE;
  }

  @Override
  public PutResult put(String key, byte[] data, PutOptions options) throws IOException {
    checkOpen();
    Path target = KeyPaths.file(root, key);
    LocalObjectFormat.checkMetadata(options.metadata());
    MessageDigest sha = LocalObjectFormat.sha256();
    sha.update(data);
    byte[] digest = LocalObjectFormat.digestOf(sha);
    byte[] header =
        LocalObjectFormat.header(
            digest, data.length, System.currentTimeMillis(), options.metadata());
    Path tmp = newTemporary();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      writeFully(ch, ByteBuffer.wrap(header), 0);
      writeFully(ch, ByteBuffer.wrap(data), header.length);
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return publish(key, target, tmp, options.condition(), ObjectKeys.HEX.formatHex(digest));
  }

  @Override
  public PutResult putFile(String key, Path file, PutOptions options) throws IOException {
    checkOpen();
    Path target = KeyPaths.file(root, key);
    LocalObjectFormat.checkMetadata(options.metadata());
    Path tmp = newTemporary();
    String etag;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      long size = in.size();
      int headerLength =
          LocalObjectFormat.header(
                  new byte[LocalObjectFormat.DIGEST_BYTES], size, 0L, options.metadata())
              .length;
      MessageDigest sha = LocalObjectFormat.sha256();
      ByteBuffer buf = ByteBuffer.allocate(COPY_BUFFER);
      long copied = 0;
      while (true) {
        buf.clear();
        int n = in.read(buf, copied);
        if (n < 0) {
          break;
        }
        buf.flip();
        sha.update(buf.array(), 0, n);
        writeFully(out, buf, headerLength + copied);
        copied += n;
      }
      if (copied != size) {
        throw new IOException(file + " changed size while it was being stored under " + key);
      }
      byte[] digest = LocalObjectFormat.digestOf(sha);
      byte[] header =
          LocalObjectFormat.header(digest, size, System.currentTimeMillis(), options.metadata());
      writeFully(out, ByteBuffer.wrap(header), 0);
      out.force(true);
      etag = ObjectKeys.HEX.formatHex(digest);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return publish(key, target, tmp, options.condition(), etag);
  }

  private Path newTemporary() throws IOException {
    Path tmp = temp.resolve(UUID.randomUUID() + ".tmp");
    Files.createFile(tmp);
    return tmp;
  }

  /**
   * Makes the durable temporary file {@code tmp} the object {@code key}, if the condition holds.
   */
  private PutResult publish(String key, Path target, Path tmp, PutCondition condition, String etag)
      throws IOException {
    try {
      createFolders(parentOf(target));
      switch (condition) {
        case PutCondition.IfAbsent a -> {
          try {
            Files.createLink(target, tmp);
          } catch (FileAlreadyExistsException e) {
            throw new PreconditionFailedException(
                key, "object " + key + " already exists in " + uri);
          }
          syncFolder(parentOf(target));
        }
        case PutCondition.None n -> {
          try (KeyLocks.Held held = locks.lock(key)) {
            replace(tmp, target);
          }
        }
        case PutCondition.IfMatch m -> {
          try (KeyLocks.Held held = locks.lock(key)) {
            Optional<LocalObjectFormat.Header> current = header(target);
            if (current.isEmpty() || !current.get().etag().equals(m.etag())) {
              throw new PreconditionFailedException(
                  key,
                  "object "
                      + key
                      + (current.isEmpty()
                          ? " does not exist"
                          : " has etag " + current.get().etag())
                      + ", not "
                      + m.etag());
            }
            replace(tmp, target);
          }
        }
      }
      return new PutResult(etag);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void replace(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "the file system of " + root + " cannot rename atomically; the local store needs it", e);
    }
    syncFolder(parentOf(target));
  }

  /** Creates the missing folders down to {@code folder}, syncing each parent that gained one. */
  private void createFolders(Path folder) throws IOException {
    if (folder.equals(root) || Files.isDirectory(folder)) {
      return;
    }
    createFolders(parentOf(folder));
    try {
      Files.createDirectory(folder);
      syncFolder(parentOf(folder));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(folder)) {
        throw new NotDirectoryException(folder.toString());
      }
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    checkOpen();
    Path file = KeyPaths.file(root, key);
    try (FileChannel ch = openObject(file, key)) {
      LocalObjectFormat.Header h = LocalObjectFormat.read(ch, file.toString());
      if (h.dataLength() > MemoryObjectStore.MAX_OBJECT_BYTES) {
        throw new IOException(
            "object "
                + key
                + " has "
                + h.dataLength()
                + " bytes, too many for one array: use getRange or getToFile");
      }
      byte[] data = new byte[(int) h.dataLength()];
      readFully(ch, ByteBuffer.wrap(data), h.length(), file);
      MessageDigest sha = LocalObjectFormat.sha256();
      sha.update(data);
      LocalObjectFormat.checkDigest(h, LocalObjectFormat.digestOf(sha), file.toString());
      return data;
    }
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    checkOpen();
    ObjectKeys.checkRange(offset, length);
    Path file = KeyPaths.file(root, key);
    try (FileChannel ch = openObject(file, key)) {
      LocalObjectFormat.Header h = LocalObjectFormat.read(ch, file.toString());
      if (offset >= h.dataLength()) {
        return new byte[0];
      }
      byte[] data = new byte[(int) Math.min(length, h.dataLength() - offset)];
      readFully(ch, ByteBuffer.wrap(data), h.length() + offset, file);
      return data;
    }
  }

  @Override
  public void getToFile(String key, Path target) throws IOException {
    checkOpen();
    Path file = KeyPaths.file(root, key);
    Path parent = parentOf(target.toAbsolutePath());
    Path partial = parent.resolve(target.getFileName() + "." + UUID.randomUUID() + ".part");
    try (FileChannel in = openObject(file, key)) {
      LocalObjectFormat.Header h = LocalObjectFormat.read(in, file.toString());
      MessageDigest sha = LocalObjectFormat.sha256();
      try (FileChannel out =
          FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.allocate(COPY_BUFFER);
        long done = 0;
        while (done < h.dataLength()) {
          buf.clear();
          buf.limit((int) Math.min(buf.capacity(), h.dataLength() - done));
          readFully(in, buf, h.length() + done, file);
          buf.flip();
          sha.update(buf.array(), 0, buf.limit());
          writeFully(out, buf, done);
          done += buf.limit();
        }
        out.force(true);
      }
      LocalObjectFormat.checkDigest(h, LocalObjectFormat.digestOf(sha), file.toString());
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  @Override
  public Optional<ObjectInfo> head(String key) throws IOException {
    checkOpen();
    Path file = KeyPaths.file(root, key);
    return header(file)
        .map(h -> new ObjectInfo(key, h.dataLength(), h.etag(), h.lastModified(), h.metadata()));
  }

  private Optional<LocalObjectFormat.Header> header(Path file) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try (ch) {
      return Optional.of(LocalObjectFormat.read(ch, file.toString()));
    }
  }

  @Override
  public ListPage list(String prefix, @Nullable String startAfter, int maxKeys) throws IOException {
    checkOpen();
    ObjectKeys.checkMaxKeys(maxKeys);
    Path folder = KeyPaths.folder(root, prefix);
    int slash = prefix.lastIndexOf('/');
    String folderKey = slash < 0 ? "" : prefix.substring(0, slash + 1);
    List<String> keys = new ArrayList<>(Math.min(maxKeys, 1024) + 1);
    new Walk(prefix, startAfter, maxKeys + 1, keys).folder(folder, folderKey);
    boolean more = keys.size() > maxKeys;
    List<ObjectInfo> page = new ArrayList<>(Math.min(keys.size(), maxKeys));
    for (int i = 0; i < keys.size() && i < maxKeys; i++) {
      String key = keys.get(i);
      Path file = KeyPaths.file(root, key);
      Optional<LocalObjectFormat.Header> h = header(file);
      if (h.isPresent()) { // else deleted since the walk saw it
        page.add(
            new ObjectInfo(
                key, h.get().dataLength(), h.get().etag(), h.get().lastModified(), Map.of()));
      }
    }
    return new ListPage(page, more ? keys.get(maxKeys - 1) : null);
  }

  /** A depth-first walk that visits keys in order and stops after {@code limit} of them. */
  private static final class Walk {
    private final String prefix;
    private final @Nullable String startAfter;
    private final int limit;
    private final List<String> keys;

    Walk(String prefix, @Nullable String startAfter, int limit, List<String> keys) {
      this.prefix = prefix;
      this.startAfter = startAfter;
      this.limit = limit;
      this.keys = keys;
    }

    /** An entry of a folder: a key (file) or the common prefix of a sub-folder's keys. */
    private record Entry(String sortKey, Path path, boolean folder) {}

    void folder(Path folder, String folderKey) throws IOException {
      List<Entry> entries = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
        for (Path p : stream) {
          String name = p.getFileName().toString();
          boolean isObject = name.endsWith(KeyPaths.OBJECT_SUFFIX);
          String segment =
              KeyPaths.decode(
                  isObject
                      ? name.substring(0, name.length() - KeyPaths.OBJECT_SUFFIX.length())
                      : name);
          if (segment == null) {
            continue; // %tmp, %lock, or a file the store did not write
          }
          String sortKey = folderKey + segment + (isObject ? "" : "/");
          if (isObject ? relevantKey(sortKey) : relevantFolder(sortKey)) {
            entries.add(new Entry(sortKey, p, !isObject));
          }
        }
      } catch (NoSuchFileException | NotDirectoryException e) {
        return;
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      entries.sort((a, b) -> ObjectKeys.compare(a.sortKey(), b.sortKey()));
      for (Entry e : entries) {
        if (keys.size() >= limit) {
          return;
        }
        if (e.folder()) {
          if (Files.isDirectory(e.path())) {
            folder(e.path(), e.sortKey());
          }
        } else if (Files.isRegularFile(e.path())) {
          keys.add(e.sortKey());
        }
      }
    }

    private boolean relevantKey(String key) {
      return key.startsWith(prefix)
          && (startAfter == null || ObjectKeys.compare(key, startAfter) > 0);
    }

    /** Whether some key starting with {@code folderPrefix} can be listed. */
    private boolean relevantFolder(String folderPrefix) {
      if (!folderPrefix.startsWith(prefix) && !prefix.startsWith(folderPrefix)) {
        return false;
      }
      // Every key here starts with folderPrefix: all of them sort before startAfter unless
      // startAfter lies inside the folder or folderPrefix sorts after it.
      return startAfter == null
          || startAfter.startsWith(folderPrefix)
          || ObjectKeys.compare(folderPrefix, startAfter) > 0;
    }
  }

  @Override
  public void delete(String key) throws IOException {
    checkOpen();
    Path file = KeyPaths.file(root, key);
    try (KeyLocks.Held held = locks.lock(key)) {
      if (Files.deleteIfExists(file)) {
        syncFolder(parentOf(file));
      }
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      locks.release();
    }
  }

  @Override
  public String toString() {
    return "LocalObjectStore(" + uri + ")";
  }

  private static Path parentOf(Path p) {
    Path parent = p.getParent();
    if (parent == null) {
      throw new IllegalArgumentException("no parent folder: " + p);
    }
    return parent;
  }

  private static FileChannel openObject(Path file, String key) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(key);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long pos = position;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long position, Path file)
      throws IOException {
    long pos = position;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new dev.shale.lsm.api.CorruptionException(
            file.toString(), pos, "file ends before the length its header gives");
      }
      pos += n;
    }
  }

  /** Makes a folder's entries durable (a no-op where folders cannot be opened, as on Windows). */
  static void syncFolder(Path folder) throws IOException {
    if (WINDOWS) {
      return;
    }
    try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("object store " + uri + " is closed");
    }
  }
}
