package dev.troupe.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A stand-in for a gateway's TCP bridge in unit tests, answering from a script. It speaks the
 * protocol as {@code vertx-tcp-eventbus-bridge} behind Troupe's {@code BridgeGuard} does (the real
 * one is exercised by the test kit's clustered tests): the first frame that sends or registers must
 * carry the credential ({@code err} 4010 and a closed connection otherwise), frames to addresses
 * outside the allowlists get an {@code access_denied} err without an address, a refused frame gets
 * the guard's err then the bridge's {@code blocked by bridgeEvent handler}, {@code ping} gets
 * {@code pong}, in the order frames arrive.
 */
final class ScriptedBridge {
  /** What a service answers a request: a body, a failure, or nothing (the test decides). */
  record Answer(JsonObject body, Integer failureCode, String message, boolean dropConnection) {
    static Answer reply(JsonObject body) {
      return new Answer(body, null, null, false);
    }

    static Answer failure(int code, String message) {
      return new Answer(null, code, message, false);
    }

    /** The connection closes while the request waits. */
    static Answer drop() {
      return new Answer(null, null, null, true);
    }

    /** No answer at all. */
    static Answer silence() {
      return new Answer(null, null, null, false);
    }
  }

  /** A received frame and the connection (by number, from 1) it came on. */
  record Received(int connection, JsonObject frame) {
    String type() {
      return frame.getString("type");
    }
  }

  private final Vertx vertx;
  private final String credential;
  private final Set<String> inbound;
  private final Set<String> outbound;
  private final Map<String, Function<JsonObject, Answer>> services = new HashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final List<Matcher> matchers = new ArrayList<>();
  private final Map<String, Integer> refusedRegisters = new HashMap<>();
  private final AtomicInteger opened = new AtomicInteger();
  private NetServer server;

  ScriptedBridge(Vertx vertx, String credential, Set<String> inbound, Set<String> outbound) {
    this.vertx = vertx;
    this.credential = credential;
    this.inbound = inbound;
    this.outbound = outbound;
  }

  /** Answers {@code action} on {@code address} with what {@code service} returns for the body. */
  ScriptedBridge on(String address, String action, Function<JsonObject, Answer> service) {
    services.put(address + " " + action, service);
    return this;
  }

  /** A register of {@code address} is refused by the guard with {@code code}. */
  ScriptedBridge refuseRegister(String address, int code) {
    refusedRegisters.put(address, code);
    return this;
  }

  Future<ScriptedBridge> listen() {
    server = vertx.createNetServer();
    return server.connectHandler(this::accept).listen(0, "127.0.0.1").map(this);
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> close() {
    return server.close();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** Completes with the first frame received, now or later, that {@code test} accepts. */
  synchronized Future<Received> await(Predicate<Received> test) {
    for (Received r : received) {
      if (test.test(r)) {
        return Future.succeededFuture(r);
      }
    }
    Promise<Received> promise = Promise.promise();
    matchers.add(new Matcher(test, promise));
    return promise.future();
  }

  /** The frames of {@code type} received so far. */
  long count(String type) {
    return received.stream().filter(r -> type.equals(r.type())).count();
  }

  /** Publishes {@code body} on {@code address} to every connection that registered it. */
  void publish(String address, JsonObject body) {
    for (Connection c : connections) {
      if (c.registered.contains(address)) {
        c.write(
            new JsonObject()
                .put("type", "message")
                .put("address", address)
                .put("body", body)
                .put("send", false));
      }
    }
  }

  /** Closes every open connection, as a bridge that restarts would. */
  void dropAll() {
    for (Connection c : connections) {
      c.socket.close();
    }
  }

  private void accept(NetSocket socket) {
    Connection connection = new Connection(opened.incrementAndGet(), socket);
    connections.add(connection);
    socket.handler(connection::read);
    socket.closeHandler(v -> connections.remove(connection));
  }

  /** Records {@code frame}, then completes the matchers it satisfies, outside the lock. */
  private void record(Received frame) {
    List<Matcher> satisfied = new ArrayList<>();
    synchronized (this) {
      received.add(frame);
      matchers.removeIf(m -> m.test.test(frame) && satisfied.add(m));
    }
    satisfied.forEach(m -> m.promise.tryComplete(frame));
  }

  private record Matcher(Predicate<Received> test, Promise<Received> promise) {}

  private final class Connection {
    final int number;
    final NetSocket socket;
    final Set<String> registered = new HashSet<>();
    Buffer pending = Buffer.buffer();
    Boolean authenticated;

    Connection(int number, NetSocket socket) {
      this.number = number;
      this.socket = socket;
    }

    void read(Buffer bytes) {
      pending.appendBuffer(bytes);
      while (pending.length() >= 4 && pending.length() >= 4 + pending.getInt(0)) {
        int length = pending.getInt(0);
        JsonObject frame = new JsonObject(pending.getString(4, 4 + length, "UTF-8"));
        pending = pending.getBuffer(4 + length, pending.length());
        record(new Received(number, frame));
        handle(frame);
      }
    }

    void write(JsonObject frame) {
      byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
      socket.write(Buffer.buffer().appendInt(json.length).appendBytes(json));
    }

    void err(String message) {
      write(new JsonObject().put("type", "err").put("message", message));
    }

    void handle(JsonObject frame) {
      String type = frame.getString("type");
      String address = frame.getString("address");
      if ("ping".equals(type)) {
        write(new JsonObject().put("type", "pong"));
        return;
      }
      if (("send".equals(type) || "register".equals(type)) && authenticated == null) {
        JsonObject headers = frame.getJsonObject("headers", new JsonObject());
        authenticated = credential == null || credential.equals(headers.getString("authorization"));
      }
      if (Boolean.FALSE.equals(authenticated)) {
        JsonObject err =
            new JsonObject()
                .put("type", "err")
                .put("failureCode", 4010)
                .put("failureType", "RECIPIENT_FAILURE")
                .put("message", "the first frame must carry a valid credential");
        if (frame.getString("replyAddress") != null) {
          err.put("address", frame.getString("replyAddress"));
        }
        write(err);
        err("blocked by bridgeEvent handler");
        socket.close();
        return;
      }
      switch (type) {
        case "send" -> send(frame, address);
        case "register" -> register(address);
        case "unregister" -> registered.remove(address);
        default -> err("unknown_type");
      }
    }

    void send(JsonObject frame, String address) {
      if (!inbound.contains(address)) {
        err("access_denied");
        return;
      }
      String replyAddress = frame.getString("replyAddress");
      String action = frame.getJsonObject("headers", new JsonObject()).getString("action");
      Function<JsonObject, Answer> service = services.get(address + " " + action);
      if (service == null) {
        write(
            new JsonObject()
                .put("type", "err")
                .put("address", replyAddress)
                .put("sourceAddress", address)
                .put("failureCode", -1)
                .put("failureType", "NO_HANDLERS")
                .put("message", "No handlers for address " + address));
        return;
      }
      Answer answer = service.apply(frame.getJsonObject("body"));
      if (answer.dropConnection()) {
        socket.close();
      } else if (answer.body() != null) {
        write(
            new JsonObject()
                .put("type", "message")
                .put("address", replyAddress)
                .put("headers", new JsonObject())
                .put("body", answer.body())
                .put("send", true));
      } else if (answer.failureCode() != null) {
        write(
            new JsonObject()
                .put("type", "err")
                .put("address", replyAddress)
                .put("sourceAddress", address)
                .put("failureCode", answer.failureCode())
                .put("failureType", "RECIPIENT_FAILURE")
                .put("message", answer.message()));
      }
    }

    void register(String address) {
      Integer refused = refusedRegisters.get(address);
      if (refused != null) {
        write(
            new JsonObject()
                .put("type", "err")
                .put("failureCode", refused)
                .put("failureType", "RECIPIENT_FAILURE")
                .put("message", "'svc' lacks the scope docs:read"));
        err("blocked by bridgeEvent handler");
      } else if (!outbound.contains(address)) {
        err("access_denied");
      } else {
        registered.add(address);
      }
    }
  }
}
