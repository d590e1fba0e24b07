package dev.troupe.shared.actor;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The actor types this JVM can host: those registered with {@link #register} and those listed as
 * {@link java.util.ServiceLoader} providers of {@link ActorType}. Process-wide, because the types
 * are code, the same on every node of one JVM (several nodes live in one JVM in tests).
 */
public final class ActorTypes {
  private static final Map<String, ActorType<?, ?>> TYPES = new ConcurrentHashMap<>();

  static {
    for (ActorType<?, ?> type : ServiceLoader.load(ActorType.class)) {
      register(type);
    }
  }

  private ActorTypes() {}

  /**
   * Makes {@code type} hostable by every node of this JVM. Registering the same type again (an
   * instance of the same class, e.g. once found as a service provider and once registered by its
   * service) does nothing; another class under a taken name fails.
   */
  public static void register(ActorType<?, ?> type) {
    ActorId.requireType(type.name());
    ActorType<?, ?> before = TYPES.putIfAbsent(type.name(), type);
    if (before != null && before.getClass() != type.getClass()) {
      throw new IllegalStateException(
          "actor type " + type.name() + " is already registered as " + before.getClass().getName());
    }
  }

  /** The type named {@code name}, or null. */
  @SuppressWarnings("unchecked")
  static ActorType<Object, Object> get(String name) {
    return (ActorType<Object, Object>) TYPES.get(name);
  }
}
