package dev.troupe.launcher;

import dev.troupe.cache.CacheService;
import dev.troupe.chat.ChatService;
import dev.troupe.db.DbConfig;
import dev.troupe.db.DbService;
import dev.troupe.gateway.GatewayService;
import dev.troupe.request.RequestService;
import dev.troupe.shared.config.Settings;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * The services a node can run, in start order (a service starts after those it calls, so a node
 * that runs all of them is ready as soon as the gateway listens). Each is deployed by verticle
 * name, under a supervisor of its own, so Vert.x HA can redeploy it elsewhere.
 */
public enum Service {
  DB("db", DbService.class.getName(), s -> 1),
  CACHE("cache", CacheService.class.getName(), s -> 1),
  REQUEST("request", RequestService.class.getName(), s -> 1),
  CHAT("chat", ChatService.class.getName(), s -> 1),
  GATEWAY("gateway", GatewayService.class.getName(), s -> 1);

  private final String shortName;
  private final String verticle;

  @SuppressWarnings("ImmutableEnumChecker") // stateless lambdas of the settings, not mutable state
  private final ToIntFunction<Settings> instances;

  Service(String shortName, String verticle, ToIntFunction<Settings> instances) {
    this.shortName = shortName;
    this.verticle = verticle;
    this.instances = instances;
  }

  public String shortName() {
    return shortName;
  }

  public String verticle() {
    return verticle;
  }

  int instances(Settings settings) {
    return instances.applyAsInt(settings);
  }

  /**
   * Whether Vert.x HA may move this service to a survivor when its node dies. Not db-service on the
   * embedded H2: its database is a file in this node's data dir, which no other node can open.
   */
  public boolean movable(Settings settings) {
    return this != DB || !DbConfig.from(settings).embedded();
  }

  /**
   * Parses {@code gateway,request,cache,db} (also {@code request-service} etc. and {@code all}).
   */
  public static Set<Service> parse(String list) {
    Set<Service> services = EnumSet.noneOf(Service.class);
    for (String raw : list.split(",")) {
      String name = raw.trim().toLowerCase(Locale.ROOT).replaceFirst("-service$", "");
      if (name.isEmpty()) {
        continue;
      }
      if (name.equals("all")) {
        return EnumSet.allOf(Service.class);
      }
      services.add(
          Arrays.stream(values())
              .filter(s -> s.shortName.equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown service '"
                              + raw.trim()
                              + "'; known: "
                              + names(EnumSet.allOf(Service.class)))));
    }
    if (services.isEmpty()) {
      throw new IllegalArgumentException(
          "--services names no service; known: " + names(EnumSet.allOf(Service.class)));
    }
    return services;
  }

  public static String names(Set<Service> services) {
    return services.stream().map(Service::shortName).collect(Collectors.joining(","));
  }

  public static List<Service> inStartOrder(Set<Service> services) {
    return Arrays.stream(values()).filter(services::contains).toList();
  }
}
