package dev.troupe.shared.contract;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Several writes to one collection, committed in one transaction ({@code _mput}): all of them or,
 * when one precondition fails, none. An id may appear once. With an {@code idempotencyKey} the
 * batch is applied at most once; the same key again answers the first result.
 */
public record PutMany(String collection, List<Item> items, String idempotencyKey) {
  /** The most documents one batch may write. */
  public static final int MAX_ITEMS = 1000;

  public PutMany {
    DocKey.requireCollection(collection);
    if (items == null || items.isEmpty() || items.size() > MAX_ITEMS) {
      throw TroupeException.badRequest(
          "items must hold 1 to "
              + MAX_ITEMS
              + " documents, got "
              + (items == null ? "none" : items.size()));
    }
    Set<String> seen = new HashSet<>();
    for (Item item : items) {
      if (!seen.add(item.id())) {
        throw TroupeException.badRequest(
            "id " + item.id() + " appears more than once; write it once per batch");
      }
    }
    items = List.copyOf(items);
    if (idempotencyKey != null) {
      IdempotencyKeys.require(idempotencyKey);
    }
  }

  /** A batch without an idempotency key. */
  public PutMany(String collection, List<Item> items) {
    this(collection, items, null);
  }

  /** One write of the batch. */
  public record Item(String id, JsonObject data, Precondition precondition) {
    public Item {
      DocKey.requireId(id);
      if (data == null) {
        throw TroupeException.badRequest("data of " + id + " must be a JSON object");
      }
      precondition = precondition == null ? Precondition.NONE : precondition;
    }
  }

  public PutDoc put(int index) {
    Item item = items.get(index);
    return new PutDoc(new DocKey(collection, item.id()), item.data(), item.precondition());
  }
}
