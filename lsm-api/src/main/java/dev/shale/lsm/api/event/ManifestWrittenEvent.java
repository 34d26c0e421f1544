package dev.shale.lsm.api.event;

/**
 * A manifest change made durable.
 *
 * @param remote false for a record of the local manifest file, true for a manifest object in the
 *     object store (what read replicas follow)
 * @param name the manifest file's name, or the object's key
 * @param lastSequence every write up to it is in the tables the manifest lists
 * @param tables tables the manifest lists after the change
 */
public record ManifestWrittenEvent(boolean remote, String name, long lastSequence, int tables) {}
