package dev.troupe.shared.contract;

/**
 * Document change events, published after a write or delete is committed. Body: {@code
 * {"op":"put"|"delete","collection","id","version"}}.
 */
public final class DocEvents {
  /** The versioned address change events are published on. */
  public static final String ADDRESS = "troupe.events.docs.v1";

  private DocEvents() {}
}
