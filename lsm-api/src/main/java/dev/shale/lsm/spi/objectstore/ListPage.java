package dev.shale.lsm.spi.objectstore;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param objects the objects of this page
 * @param nextStartAfter pass as {@code startAfter} to get the next page, or null when this is the
 *     last one
 */
public record ListPage(List<ObjectInfo> objects, @Nullable String nextStartAfter) {
  public ListPage {
    objects = List.copyOf(objects);
  }
}
