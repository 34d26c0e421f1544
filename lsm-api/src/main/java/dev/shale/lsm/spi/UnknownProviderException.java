package dev.shale.lsm.spi;

import java.util.Collection;

/** No provider of the requested kind has the requested name; the message lists those that do. */
public class UnknownProviderException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String requested;

  public UnknownProviderException(String kind, String requested, Collection<String> available) {
    super(
        "no "
            + kind
            + " named '"
            + requested
            + "'; available: "
            + (available.isEmpty() ? "(none installed)" : String.join(", ", available))
            + ". Put the plugin's jar on the class or module path.");
    this.requested = requested;
  }

  /** The name that was asked for. */
  public String requested() {
    return requested;
  }
}
