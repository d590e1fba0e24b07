package dev.troupe.gateway;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.RequestContract;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which bus services this node's readiness needs ({@value #SETTING}), and the others it only
 * reports. A needed service that does not answer a ping makes the node not ready; by default the
 * node needs only the services it runs itself, pinged on this node (chat included where it runs),
 * so losing a service elsewhere never takes a node out of its balancer. Every other service is a
 * downstream: one that does not answer shows in the {@code downstream} check's {@code degraded}
 * list (the check stays UP) and in {@code troupe_downstream_degraded{service}} (1 while its last
 * readiness ping failed).
 */
final class ReadinessNeeds {
  /** The setting: service names ({@code request,cache,db,chat}), or {@code none}. */
  static final String SETTING = "TROUPE_READY_NEEDS";

  static final Map<String, String> SERVICES = services();

  /**
   * The gauges' values per node registry: every gateway instance (and a restarted one) of a node
   * sets the same ones, which Micrometer registered once.
   */
  private static final Map<MeterRegistry, Map<String, AtomicInteger>> GAUGES =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private final Vertx vertx;
  private final Set<String> needed;
  private final Set<String> own;
  private final Map<String, AtomicInteger> degraded = new ConcurrentHashMap<>();

  private ReadinessNeeds(Vertx vertx, Set<String> needed, Set<String> own, MeterRegistry registry) {
    this.vertx = vertx;
    this.needed = needed;
    this.own = own;
    Map<String, AtomicInteger> values =
        GAUGES.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
    for (String service : SERVICES.keySet()) {
      if (!needed.contains(service)) {
        degraded.put(
            service,
            values.computeIfAbsent(
                service,
                s -> {
                  AtomicInteger value = new AtomicInteger();
                  Gauge.builder("troupe_downstream_degraded", value, AtomicInteger::get)
                      .description(
                          "1 while a service this node does not need to be ready did not answer"
                              + " its last readiness ping")
                      .tag("service", s + "-service")
                      .register(registry);
                  return value;
                }));
      }
    }
  }

  private static Map<String, String> services() {
    Map<String, String> services = new LinkedHashMap<>();
    services.put("request", RequestContract.ADDRESS);
    services.put("cache", CacheContract.ADDRESS);
    services.put("db", DbContract.ADDRESS);
    services.put("chat", ChatContract.ADDRESS);
    return services;
  }

  /**
   * The needs of {@code runtime}'s node: {@value #SETTING} when set, else the services it runs
   * ({@link NodeRuntime#services}).
   */
  static ReadinessNeeds of(NodeRuntime runtime) {
    Set<String> own = new LinkedHashSet<>(NodeRuntime.services(runtime.vertx()));
    own.retainAll(SERVICES.keySet());
    return new ReadinessNeeds(
        runtime.vertx(), needed(runtime.settings(), own), own, runtime.registry());
  }

  static Set<String> needed(Settings settings, Set<String> own) {
    List<String> named = settings.list(SETTING, null);
    if (named == null) {
      return Set.copyOf(own);
    }
    Set<String> needed = new LinkedHashSet<>();
    for (String name : named) {
      String service = name.trim();
      if (service.isEmpty() || service.equals("none")) {
        continue;
      }
      if (!SERVICES.containsKey(service)) {
        throw new IllegalArgumentException(
            SETTING + " names services of " + SERVICES.keySet() + " (or none), got '" + name + "'");
      }
      needed.add(service);
    }
    return Set.copyOf(needed);
  }

  /** Registers one check per needed service and one {@code downstream} check for the others. */
  void register(HealthCheckHandler ready, long timeoutMs) {
    for (String service : SERVICES.keySet()) {
      if (!needed.contains(service)) {
        continue;
      }
      ready.register(
          service + "-service",
          timeoutMs + 500,
          promise ->
              ping(service, timeoutMs)
                  .onComplete(
                      // A ping answered after the check's own timeout is dropped: the check has
                      // already failed, and completing it twice would throw on the event loop.
                      ar ->
                          promise.tryComplete(
                              ar.succeeded()
                                  ? Status.OK(ar.result())
                                  : Status.KO(
                                      new JsonObject()
                                          .put(
                                              "reason",
                                              service
                                                  + "-service does not answer on "
                                                  + SERVICES.get(service)
                                                  + (own.contains(service) ? " on this node" : "")
                                                  + ": "
                                                  + ar.cause().getMessage())))));
    }
    if (!degraded.isEmpty()) {
      ready.register(
          "downstream",
          timeoutMs + 500,
          promise ->
              downstream(timeoutMs)
                  .onComplete(
                      ar -> {
                        if (ar.succeeded()) {
                          promise.tryComplete(ar.result());
                        } else {
                          promise.tryFail(ar.cause());
                        }
                      }));
    }
  }

  private Future<Status> downstream(long timeoutMs) {
    List<String> names = new ArrayList<>(degraded.keySet());
    List<Future<JsonObject>> pings = new ArrayList<>();
    for (String service : names) {
      pings.add(ping(service, timeoutMs));
    }
    return Future.join(pings)
        .transform(
            done -> {
              JsonObject up = new JsonObject();
              List<String> down = new ArrayList<>();
              for (int i = 0; i < names.size(); i++) {
                String service = names.get(i) + "-service";
                boolean answered = pings.get(i).succeeded();
                degraded.get(names.get(i)).set(answered ? 0 : 1);
                if (answered) {
                  up.put(service, pings.get(i).result());
                } else {
                  down.add(service);
                }
              }
              return Future.succeededFuture(
                  Status.OK(new JsonObject().put("degraded", down).put("services", up)));
            });
  }

  /** Pings {@code service}: on this node when it runs here, else wherever it runs. */
  private Future<JsonObject> ping(String service, long timeoutMs) {
    DeliveryOptions options =
        new DeliveryOptions()
            .setSendTimeout(timeoutMs)
            .addHeader(Bus.ACTION, Bus.PING)
            .setLocalOnly(own.contains(service));
    return vertx
        .eventBus()
        .<JsonObject>request(SERVICES.get(service), new JsonObject(), options)
        .map(Message::body);
  }
}
