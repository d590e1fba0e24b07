package dev.troupe.shared.contract;

/**
 * Document change events, published after a write or delete is committed. Body: {@code
 * {"op":"put"|"delete","collection","id","version","seq"}}: {@code seq} is the change's position in
 * db-service's change log ({@code changes}), numbered in commit order with no gaps.
 */
public final class DocEvents {
  /** The versioned address change events are published on. */
  public static final String ADDRESS = "troupe.events.docs.v1";

  private DocEvents() {}
}
