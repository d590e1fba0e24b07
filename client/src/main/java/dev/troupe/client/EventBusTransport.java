package dev.troupe.client;

import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.BusNames;
import dev.troupe.shared.bus.HandedOverJson;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages on a Vert.x event bus: the clustered one of the client's own lite member, or the one of
 * a Vert.x the caller gave. Registers the codecs Troupe's services send with ({@link
 * HandedOverJson}, {@link BusFault}), as every JVM of a Troupe cluster must.
 */
final class EventBusTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusTransport.class);

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Set<MessageConsumer<Object>> consumers = ConcurrentHashMap.newKeySet();

  EventBusTransport(Vertx vertx, boolean ownsVertx) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    HandedOverJson.register(vertx);
    BusFault.register(vertx);
  }

  @Override
  public Future<JsonObject> request(
      String address, String action, JsonObject body, long timeoutMs) {
    DeliveryOptions options =
        HandedOverJson.options().setSendTimeout(timeoutMs).addHeader(BusNames.ACTION, action);
    return vertx.eventBus().<JsonObject>request(address, body, options).map(Message::body);
  }

  @Override
  public Future<Subscription> subscribe(String address, Handler<JsonObject> handler) {
    MessageConsumer<Object> consumer =
        vertx
            .eventBus()
            .consumer(
                address,
                message -> {
                  if (message.body() instanceof JsonObject body) {
                    handler.handle(body);
                  } else {
                    LOG.warn("ignoring a message on {} whose body is not a JSON object", address);
                  }
                });
    consumers.add(consumer);
    return consumer
        .completion()
        .<Subscription>map(
            registered ->
                new Subscription() {
                  @Override
                  public String address() {
                    return address;
                  }

                  @Override
                  public Future<Void> cancel() {
                    consumers.remove(consumer);
                    return Detached.of(consumer.unregister());
                  }
                })
        .onFailure(e -> consumers.remove(consumer));
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  /** Unregisters the client's consumers; closes the Vert.x (leaving the cluster) if it owns it. */
  @Override
  public Future<Void> close() {
    if (ownsVertx) {
      consumers.clear();
      return vertx.close();
    }
    Future<Void> all =
        Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
    consumers.clear();
    return all;
  }
}
