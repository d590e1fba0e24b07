package dev.troupe.testkit;

import dev.troupe.launcher.Service;
import dev.troupe.launcher.TroupeNode;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.LoopbackCluster;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxImpl;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * An N-node Troupe cluster for tests, on loopback, with a unique cluster name, each node running
 * the services you choose. Every port is ephemeral. {@link Builder#start} completes only when every
 * node can reach every pipeline service the cluster runs; {@link #close} stops every node and
 * deletes the data directories it created.
 *
 * <pre>{@code
 * TroupeCluster.builder()
 *     .node("gateway")
 *     .node("request", "cache")
 *     .node("db")
 *     .start()                       // Future<TroupeCluster>
 * }</pre>
 */
public final class TroupeCluster {
  private static final long READY_TIMEOUT_MS = 60_000;
  private static final long PING_INTERVAL_MS = 100;
  private static final Map<Service, String> ADDRESSES =
      Map.of(
          Service.REQUEST, RequestContract.ADDRESS,
          Service.CHAT, ChatContract.ADDRESS,
          Service.CACHE, CacheContract.ADDRESS,
          Service.DB, DbContract.ADDRESS);

  private static final Executor STARTER =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "troupe-testkit-starter");
            thread.setDaemon(true);
            return thread;
          });

  private final LoopbackCluster loopback;
  private final Map<String, String> settings;
  private final Path dataRoot;
  private final boolean ownsDataRoot;
  private final List<TroupeNode> nodes = new CopyOnWriteArrayList<>();
  // The settings each node was added with (beyond the cluster's), index for index with nodes.
  private final List<Map<String, String>> extras = new CopyOnWriteArrayList<>();

  private TroupeCluster(Builder builder, Path dataRoot, boolean ownsDataRoot) {
    this.loopback = LoopbackCluster.create();
    this.settings = Map.copyOf(builder.settings);
    this.dataRoot = dataRoot;
    this.ownsDataRoot = ownsDataRoot;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The unique name of this cluster. */
  public String name() {
    return loopback.name();
  }

  public List<TroupeNode> nodes() {
    return List.copyOf(nodes);
  }

  public TroupeNode node(int index) {
    return nodes.get(index);
  }

  /** The HTTP port of node {@code index} (its gateway), or -1 when it runs none. */
  public int httpPort(int index) {
    return nodes.get(index).httpPort();
  }

  /** The data directory of node {@code index} (holds the embedded database when it runs db). */
  public Path dataDir(int index) {
    return dataRoot.resolve("node-" + index);
  }

  /**
   * Starts one more node running {@code services} and joins it to the cluster; completes when the
   * whole cluster is ready again. Extra settings apply to this node only.
   */
  public Future<TroupeNode> addNode(Set<Service> services, Map<String, String> extra) {
    return startOffContext(nextSettings(extra), services)
        .onSuccess(node -> added(node, extra))
        .compose(node -> awaitReady().map(node));
  }

  private void added(TroupeNode node, Map<String, String> extra) {
    nodes.add(node);
    extras.add(Map.copyOf(extra));
  }

  /**
   * Starts a node from a plain thread: each node is its own Vert.x instance, and creating one from
   * another's event loop would tie its start-up to that loop.
   */
  private static Future<TroupeNode> startOffContext(Settings settings, Set<Service> services) {
    return Future.fromCompletionStage(
        CompletableFuture.supplyAsync(
                () -> TroupeNode.start(settings, services).toCompletionStage(), STARTER)
            .thenCompose(stage -> stage));
  }

  /** Completes when every node reaches every pipeline service that some node runs. */
  public Future<Void> awaitReady() {
    Set<Service> running = EnumSet.noneOf(Service.class);
    nodes.forEach(n -> running.addAll(n.services()));
    List<Future<Void>> checks = new ArrayList<>();
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
    for (TroupeNode node : nodes) {
      for (Service service : running) {
        String address = ADDRESSES.get(service);
        if (address != null) {
          checks.add(pingUntil(node.vertx(), address, deadline));
        }
      }
    }
    return Future.all(checks).mapEmpty();
  }

  /**
   * Completes when node {@code index} reaches a consumer of {@code address} (which must answer the
   * {@code ping} action), e.g. a consumer the test registered on another node.
   */
  public Future<Void> awaitAddress(int index, String address) {
    return pingUntil(
        nodes.get(index).vertx(), address, System.currentTimeMillis() + READY_TIMEOUT_MS);
  }

  private static Future<Void> pingUntil(Vertx vertx, String address, long deadline) {
    Promise<Void> promise = Promise.promise();
    ping(vertx, new Bus(vertx, 1_000), address, deadline, promise);
    return promise.future();
  }

  private static void ping(
      Vertx vertx, Bus bus, String address, long deadline, Promise<Void> promise) {
    bus.request(address, Bus.PING, new JsonObject(), "testkit-ready")
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                promise.complete();
              } else if (System.currentTimeMillis() > deadline) {
                promise.fail(
                    new IllegalStateException(
                        address + " did not answer within " + READY_TIMEOUT_MS + " ms",
                        ar.cause()));
              } else {
                vertx.setTimer(PING_INTERVAL_MS, t -> ping(vertx, bus, address, deadline, promise));
              }
            });
  }

  /** Stops every node, newest first, then deletes the data directories the cluster created. */
  public Future<Void> close() {
    Future<Void> chain = Future.succeededFuture();
    List<TroupeNode> reversed = new ArrayList<>(nodes);
    java.util.Collections.reverse(reversed);
    for (TroupeNode node : reversed) {
      chain = chain.eventually(node::close);
    }
    return chain.eventually(
        () -> {
          nodes.clear();
          extras.clear();
          if (ownsDataRoot) {
            deleteTree(dataRoot);
          }
          return Future.succeededFuture();
        });
  }

  /**
   * Makes node {@code index} vanish the way a killed process does, for failover tests: its cluster
   * member leaves without Vert.x HA's goodbye (the HA manager's {@code simulateKill}, the hook
   * Vert.x's own HA tests use), so the survivors take its HA services over; then its Vert.x is
   * closed, without draining, to free what it holds. Needs HA on ({@code TROUPE_HA_ENABLED}, the
   * default).
   */
  public Future<Void> killNode(int index) {
    TroupeNode node = nodes.get(index);
    return Future.fromCompletionStage(
            CompletableFuture.runAsync(
                () -> {
                  if (!(node.vertx() instanceof VertxImpl impl) || impl.haManager() == null) {
                    throw new IllegalStateException("killNode needs a node with Vert.x HA enabled");
                  }
                  // Blocks until the member has left: never on an event loop.
                  impl.haManager().simulateKill();
                },
                STARTER))
        .compose(left -> node.closeAbruptly());
  }

  /** Stops node {@code index} gracefully, as SIGTERM would; the others keep running. */
  public Future<Void> stopNode(int index) {
    return nodes.get(index).close();
  }

  /**
   * Stops node {@code index} gracefully (as {@link #stopNode} does) and starts it again in its
   * place, as a process restarted by its supervisor: the same services, settings and data
   * directory, and the same HTTP and TCP bridge ports it had bound (a setting of 0 picked them at
   * its first start), so clients that knew its address find it again. It joins through another
   * running node, if there is one. Completes with the new node, which {@link #node(int)} returns
   * from then on, once the whole cluster is ready again.
   */
  public Future<TroupeNode> restartNode(int index) {
    TroupeNode old = nodes.get(index);
    Map<String, String> again = new HashMap<>(extras.get(index));
    if (old.httpPort() > 0) {
      again.put("TROUPE_HTTP_PORT", String.valueOf(old.httpPort()));
    }
    if (old.bridgePort() > 0) {
      again.put("TROUPE_BRIDGE_PORT", String.valueOf(old.bridgePort()));
    }
    Set<Service> services = old.services();
    return old.close()
        .compose(
            closed -> startOffContext(settingsFor(index, again, seedOtherThan(index)), services))
        .onSuccess(node -> nodes.set(index, node))
        .compose(node -> awaitReady().map(node));
  }

  /** The member address of the first node other than {@code index} still in the cluster. */
  private String seedOtherThan(int index) {
    for (int i = 0; i < nodes.size(); i++) {
      TroupeNode node = nodes.get(i);
      if (i != index && node.runtime().hazelcast().getLifecycleService().isRunning()) {
        return node.memberAddress();
      }
    }
    return null;
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Describes the cluster to start. */
  public static final class Builder {
    private final List<Set<Service>> layout = new ArrayList<>();
    private final Map<String, String> settings = new HashMap<>();
    private Path dataRoot;

    private Builder() {}

    /**
     * Adds a node running the named services ({@code gateway}, {@code request}, {@code cache},
     * {@code db}); with none, a bare member for the test's own verticles and consumers.
     */
    public Builder node(String... services) {
      layout.add(
          services.length == 0
              ? EnumSet.noneOf(Service.class)
              : Service.parse(String.join(",", services)));
      return this;
    }

    public Builder node(Set<Service> services) {
      layout.add(EnumSet.copyOf(services));
      return this;
    }

    /**
     * A {@code TROUPE_*} setting for every node, e.g. {@code setting("TROUPE_CACHE_TTL_SECONDS",
     * "5")}.
     */
    public Builder setting(String key, String value) {
      settings.put(key, value);
      return this;
    }

    /**
     * Where node data directories go (node-0, node-1, ...); default a temporary directory deleted
     * on close.
     */
    public Builder dataRoot(Path dataRoot) {
      this.dataRoot = dataRoot;
      return this;
    }

    /** Starts the nodes one after another; on failure stops those already started. */
    public Future<TroupeCluster> start() {
      if (layout.isEmpty()) {
        return Future.failedFuture(
            new IllegalStateException("a cluster needs at least one node()"));
      }
      TroupeCluster cluster;
      try {
        boolean owns = dataRoot == null;
        cluster =
            new TroupeCluster(
                this, owns ? Files.createTempDirectory("troupe-testkit") : dataRoot, owns);
      } catch (IOException e) {
        return Future.failedFuture(e);
      }
      Future<?> chain = Future.succeededFuture();
      for (Set<Service> services : layout) {
        chain =
            chain.compose(
                v ->
                    startOffContext(cluster.nextSettings(Map.of()), services)
                        .onSuccess(node -> cluster.added(node, Map.of())));
      }
      return chain
          .compose(v -> cluster.awaitReady())
          .map(cluster)
          .recover(failure -> cluster.close().transform(closed -> Future.failedFuture(failure)));
    }
  }

  private Settings nextSettings(Map<String, String> extra) {
    return settingsFor(nodes.size(), extra, nodes.isEmpty() ? null : nodes.get(0).memberAddress());
  }

  private Settings settingsFor(int index, Map<String, String> extra, String seed) {
    Map<String, String> values = new HashMap<>(settings);
    values.put("TROUPE_DATA_DIR", dataDir(index).toString());
    values.putAll(extra);
    return loopback.nodeSettings("n" + index, seed, values);
  }
}
