package dev.troupe.shared.bus;

/**
 * The names every Troupe message shares, whoever sends it (a service, the JVM client, a bridged
 * client in another language): the headers of a request and the one action every service answers.
 */
public final class BusNames {
  /** Header naming the operation of a message: an {@link Action}'s name. */
  public static final String ACTION = "action";

  /** Header carrying the id of the client request a message belongs to, for logs. */
  public static final String REQUEST_ID = "requestId";

  /** The action every Troupe service answers ({@link Action#ping}), used by readiness checks. */
  public static final String PING = "ping";

  private BusNames() {}
}
