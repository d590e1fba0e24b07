package dev.troupe.shared.bus;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One action of a service, declared once in its contract: the address it is sent to, its name (the
 * {@code action} header), the codecs of its request and reply, and whether sending it twice does
 * what sending it once does. The services' {@code ActionRouter} decodes and encodes for the
 * handler, {@code Bus} and {@code CallPolicy} (in {@code troupe-shared}) and the JVM client ({@code
 * troupe-client}) for the caller, and retries resend only what the declaration calls idempotent.
 * Nothing else names an action.
 *
 * @param <Q> the request type
 * @param <R> the reply type
 */
public final class Action<Q, R> {
  private final String address;
  private final String name;
  private final Codec<Q> request;
  private final Codec<R> reply;
  private final Predicate<? super Q> idempotent;
  private final String summary;
  private final boolean always;

  private Action(
      String address,
      String name,
      Codec<Q> request,
      Codec<R> reply,
      Predicate<? super Q> idempotent,
      String summary) {
    this.address = requireText(address, "address");
    this.name = requireText(name, "name");
    this.request = Objects.requireNonNull(request, "request codec");
    this.reply = Objects.requireNonNull(reply, "reply codec");
    this.idempotent = Objects.requireNonNull(idempotent, "idempotent");
    this.summary = summary == null ? "" : summary;
    this.always = idempotent == ALWAYS;
  }

  private static final Predicate<Object> ALWAYS = q -> true;

  /**
   * Whether every request of this action is idempotent (a read, or an operation whose repetition
   * changes nothing), not only those a condition accepts: only such calls may have an attempt cut
   * short and sent again while the first may still be at work.
   */
  public boolean alwaysIdempotent() {
    return always;
  }

  /**
   * An action that changes nothing (a read), or whose repetition changes nothing more: always
   * idempotent.
   */
  public static <Q, R> Action<Q, R> idempotent(
      String address, String name, Codec<Q> request, Codec<R> reply, String summary) {
    return new Action<>(address, name, request, reply, ALWAYS, summary);
  }

  /**
   * An action that is idempotent for the requests {@code when} accepts (a write that carries an
   * idempotency key, which the service applies once), and sent at most once otherwise.
   */
  public static <Q, R> Action<Q, R> idempotentWhen(
      String address,
      String name,
      Codec<Q> request,
      Codec<R> reply,
      Predicate<? super Q> when,
      String summary) {
    return new Action<>(address, name, request, reply, when, summary);
  }

  /** An action a caller never sends twice on its own: a second one may do the work again. */
  public static <Q, R> Action<Q, R> once(
      String address, String name, Codec<Q> request, Codec<R> reply, String summary) {
    return new Action<>(address, name, request, reply, q -> false, summary);
  }

  /**
   * The ping every service on {@code address} answers (readiness, tests): free-form JSON both ways.
   */
  public static Action<io.vertx.core.json.JsonObject, io.vertx.core.json.JsonObject> ping(
      String address) {
    return idempotent(
        address,
        BusNames.PING,
        Codec.json(),
        Codec.json(),
        "liveness: answers with the service's name");
  }

  public String address() {
    return address;
  }

  public String name() {
    return name;
  }

  public Codec<Q> request() {
    return request;
  }

  public Codec<R> reply() {
    return reply;
  }

  /** One line for the bus documentation. */
  public String summary() {
    return summary;
  }

  /** Whether sending {@code body} twice does what sending it once does. */
  public boolean idempotent(Q body) {
    return idempotent.test(body);
  }

  @Override
  public String toString() {
    return address + " " + name;
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("an action needs a " + what);
    }
    return value;
  }
}
