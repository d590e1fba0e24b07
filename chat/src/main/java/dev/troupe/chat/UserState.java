package dev.troupe.chat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A chat user's state, immutable: the rooms it is in, with per room the last message number
 * delivered to it and the number it has read up to; the rooms it left, with the room's number at
 * leaving (so a delivery sent before the leave and arriving after it does not bring the room back);
 * and its presence, the streams open per gateway node. Every change is monotonic or idempotent
 * (numbers only grow, a stream is added or removed by its id), so messages that arrive twice or out
 * of order leave the same state. Each method returns this very instance when nothing changes.
 *
 * @param rooms by room name
 * @param left the room's last number when the user left it, by room name
 * @param nodes the gateway nodes with streams of this user open, by Hazelcast member UUID
 * @param since when the user last came online or went offline; null if never seen
 */
public record UserState(
    Map<String, RoomMark> rooms,
    Map<String, Long> left,
    Map<String, Streams> nodes,
    Instant since) {

  static final UserState EMPTY = new UserState(Map.of(), Map.of(), Map.of(), null);

  public UserState {
    rooms = Map.copyOf(rooms);
    left = Map.copyOf(left);
    nodes = Map.copyOf(nodes);
  }

  /** A room as its member sees it; {@code unread} is derived and never negative. */
  public record RoomMark(long lastSeq, long readSeq) {
    public long unread() {
      return Math.max(0, lastSeq - readSeq);
    }
  }

  /** The streams of this user open on one gateway node, by stream id. */
  public record Streams(String node, Set<String> ids) {
    public Streams {
      ids = Set.copyOf(ids);
    }
  }

  public boolean online() {
    return streamCount() > 0;
  }

  public int streamCount() {
    return nodes.values().stream().mapToInt(s -> s.ids().size()).sum();
  }

  /**
   * Joined at the room's number {@code seq}: nothing before it counts as unread. Joining twice
   * keeps the counts.
   */
  UserState joined(String room, long seq) {
    if (rooms.containsKey(room)) {
      return this;
    }
    return new UserState(
        with(rooms, room, new RoomMark(seq, seq)), without(left, room), nodes, since);
  }

  /** Left when the room's number was {@code seq}. */
  UserState left(String room, long seq) {
    long before = left.getOrDefault(room, 0L);
    if (!rooms.containsKey(room) && before >= seq) {
      return this;
    }
    return new UserState(
        without(rooms, room), with(left, room, Math.max(before, seq)), nodes, since);
  }

  /**
   * Messages of {@code room} up to {@code seq} were stored, this user's own among them up to {@code
   * ownSeq} ({@code 0}: none), which marks the room read up to it (one replies to what one has
   * seen). A delivery for a room this user is not known to be in means its join reached the room
   * but not this actor: the room is re-learnt (with at least that message unread unless it is the
   * user's own), unless the user left it after that message.
   */
  UserState delivered(String room, long seq, long ownSeq) {
    RoomMark mark = rooms.get(room);
    if (mark == null) {
      if (left.getOrDefault(room, 0L) >= seq) {
        return this;
      }
      return new UserState(
          with(rooms, room, new RoomMark(seq, Math.max(ownSeq, seq - 1))),
          without(left, room),
          nodes,
          since);
    }
    RoomMark next = new RoomMark(Math.max(mark.lastSeq(), seq), Math.max(mark.readSeq(), ownSeq));
    return next.equals(mark) ? this : new UserState(with(rooms, room, next), left, nodes, since);
  }

  /**
   * Read up to {@code seq}, the room being at {@code roomSeq} (the room vouched for the membership,
   * so the room is re-learnt if missing, and every message up to {@code roomSeq} counts as
   * delivered). The read number never moves backwards nor past the last delivered number.
   */
  UserState read(String room, long seq, long roomSeq) {
    RoomMark mark = rooms.getOrDefault(room, new RoomMark(0, 0));
    long last = Math.max(mark.lastSeq(), roomSeq);
    RoomMark next = new RoomMark(last, Math.max(mark.readSeq(), Math.min(seq, last)));
    if (next.equals(rooms.get(room))) {
      return this;
    }
    return new UserState(with(rooms, room, next), without(left, room), nodes, since);
  }

  UserState streamOpened(String member, String node, String stream, Instant now) {
    Streams streams = nodes.get(member);
    if (streams != null && streams.ids().contains(stream)) {
      return this;
    }
    Set<String> ids = new TreeSet<>(streams == null ? Set.of() : streams.ids());
    ids.add(stream);
    return new UserState(
        rooms, left, with(nodes, member, new Streams(node, ids)), online() ? since : now);
  }

  UserState streamClosed(String member, String stream, Instant now) {
    Streams streams = nodes.get(member);
    if (streams == null || !streams.ids().contains(stream)) {
      return this;
    }
    Set<String> ids = new TreeSet<>(streams.ids());
    ids.remove(stream);
    Map<String, Streams> next =
        ids.isEmpty()
            ? without(nodes, member)
            : with(nodes, member, new Streams(streams.node(), ids));
    return withNodes(next, now);
  }

  /** The ids of the streams open on any node. */
  Set<String> streamIds() {
    Set<String> ids = new TreeSet<>();
    nodes.values().forEach(s -> ids.addAll(s.ids()));
    return ids;
  }

  /** The stream {@code stream}, on whichever node, has closed (its session ended). */
  UserState streamEnded(String stream, Instant now) {
    for (Map.Entry<String, Streams> e : nodes.entrySet()) {
      if (e.getValue().ids().contains(stream)) {
        return streamClosed(e.getKey(), stream, now);
      }
    }
    return this;
  }

  /**
   * Drops the streams of gateway nodes whose member is not in {@code liveMembers} (it left the
   * cluster).
   */
  UserState pruned(Set<String> liveMembers, Instant now) {
    if (liveMembers.containsAll(nodes.keySet())) {
      return this;
    }
    Map<String, Streams> next = new TreeMap<>(nodes);
    next.keySet().retainAll(liveMembers);
    return withNodes(next, now);
  }

  private UserState withNodes(Map<String, Streams> next, Instant now) {
    UserState changed = new UserState(rooms, left, next, since);
    return changed.online() == online() ? changed : new UserState(rooms, left, next, now);
  }

  /** The user as {@code GET /api/v1/chat/users/{user}} shows it. */
  JsonObject view(String user) {
    JsonObject byNode = new JsonObject();
    nodes
        .values()
        .forEach(s -> byNode.put(s.node(), byNode.getInteger(s.node(), 0) + s.ids().size()));
    JsonObject presence =
        new JsonObject()
            .put("online", online())
            .put("streams", streamCount())
            .put("since", since == null ? null : since.toString())
            .put("nodes", byNode);
    JsonObject roomsView = new JsonObject();
    new TreeMap<>(rooms).forEach((room, mark) -> roomsView.put(room, markJson(mark)));
    return new JsonObject().put("user", user).put("presence", presence).put("rooms", roomsView);
  }

  static JsonObject markJson(RoomMark mark) {
    return new JsonObject()
        .put("lastSeq", mark.lastSeq())
        .put("readSeq", mark.readSeq())
        .put("unread", mark.unread());
  }

  JsonObject toJson() {
    JsonObject roomsJson = new JsonObject();
    rooms.forEach(
        (room, mark) ->
            roomsJson.put(
                room,
                new JsonObject().put("lastSeq", mark.lastSeq()).put("readSeq", mark.readSeq())));
    JsonObject leftJson = new JsonObject();
    left.forEach(leftJson::put);
    JsonObject nodesJson = new JsonObject();
    nodes.forEach(
        (member, s) ->
            nodesJson.put(
                member,
                new JsonObject()
                    .put("node", s.node())
                    .put("streams", new JsonArray(s.ids().stream().sorted().toList()))));
    return new JsonObject()
        .put("rooms", roomsJson)
        .put("left", leftJson)
        .put("nodes", nodesJson)
        .put("since", since == null ? null : since.toString());
  }

  static UserState fromJson(JsonObject json) {
    Map<String, RoomMark> rooms = new TreeMap<>();
    json.getJsonObject("rooms", new JsonObject())
        .forEach(
            e -> {
              JsonObject mark = (JsonObject) e.getValue();
              rooms.put(
                  e.getKey(),
                  new RoomMark(mark.getLong("lastSeq", 0L), mark.getLong("readSeq", 0L)));
            });
    Map<String, Long> left = new TreeMap<>();
    json.getJsonObject("left", new JsonObject())
        .forEach(e -> left.put(e.getKey(), ((Number) e.getValue()).longValue()));
    Map<String, Streams> nodes = new TreeMap<>();
    json.getJsonObject("nodes", new JsonObject())
        .forEach(
            e -> {
              JsonObject s = (JsonObject) e.getValue();
              Set<String> ids = new TreeSet<>();
              s.getJsonArray("streams", new JsonArray()).forEach(id -> ids.add((String) id));
              nodes.put(e.getKey(), new Streams(s.getString("node"), ids));
            });
    String since = json.getString("since");
    return new UserState(rooms, left, nodes, since == null ? null : Instant.parse(since));
  }

  private static <V> Map<String, V> with(Map<String, V> map, String key, V value) {
    Map<String, V> next = new TreeMap<>(map);
    next.put(key, value);
    return next;
  }

  private static <V> Map<String, V> without(Map<String, V> map, String key) {
    if (!map.containsKey(key)) {
      return map;
    }
    Map<String, V> next = new TreeMap<>(map);
    next.remove(key);
    return next;
  }
}
