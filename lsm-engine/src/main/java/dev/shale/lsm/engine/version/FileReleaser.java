package dev.shale.lsm.engine.version;

/** Called when no live {@link Version} lists a file any more: the file may be deleted. */
@FunctionalInterface
public interface FileReleaser {
  void release(FileMeta file);
}
