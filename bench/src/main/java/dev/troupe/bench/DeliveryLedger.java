package dev.troupe.bench;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The bookkeeping of {@code chat-delivery}: which member got which post, how long after it was
 * sent, and how often. User {@code u} of {@code users} is a member of room {@code u % rooms} only,
 * so every post to room {@code r} is due to each of its {@link #members(int)} members exactly once.
 *
 * <p>Only posts sent in the measured window count: their first delivery to each member goes into
 * the latency histogram (microseconds from the send to the frame's arrival), a second one to the
 * same member is a duplicate, one that arrives with a lower number than the member's previous
 * message a reordering. Posts of the warm-up are remembered only so that their frames are not
 * mistaken for unexpected ones. A post answered with a failure is owed to nobody: none of its
 * deliveries is lost. A frame for an unknown post, or for a post of a room the user is not in, is
 * unexpected.
 *
 * <p>Called from the event loops of the sockets and the posting, and read by the run's thread:
 * every method is synchronized (a few thousand calls a second, uncontended on one event loop).
 */
final class DeliveryLedger {
  /** Why a post got no 201, by HTTP status or failure kind, as in {@link Stats#errors}. */
  static final String UNFINISHED = Stats.UNFINISHED;

  private final int users;
  private final int rooms;
  private final Map<Long, Post> posts = new HashMap<>();
  private final long[] lastSeq;
  private final Histogram latency = Stats.newHistogram();
  private final Histogram postLatency = Stats.newHistogram();
  private final Map<String, Long> postStatuses = new TreeMap<>();
  private final Map<String, Long> postFailures = new TreeMap<>();
  private long measuredPosts;
  private long unanswered;
  private long duplicates;
  private long reordered;
  private long unexpected;

  private static final class Post {
    final int room;
    final long sentNanos;
    final boolean measured;
    final BitSet got = new BitSet();

    /** 0: no answer yet, 1: 201, -1: failed. */
    int answer;

    int received;

    Post(int room, long sentNanos, boolean measured) {
      this.room = room;
      this.sentNanos = sentNanos;
      this.measured = measured;
    }
  }

  /** What was measured, once the run is over. Counts are of measured posts and their deliveries. */
  record Summary(
      long posts,
      long postsOk,
      long postsFailed,
      long expected,
      long delivered,
      long lost,
      long duplicates,
      long reordered,
      long unexpected,
      Map<String, Long> postStatuses,
      Map<String, Long> postFailures,
      Histogram latency,
      Histogram postLatency) {}

  DeliveryLedger(int users, int rooms) {
    if (users < 1 || rooms < 1 || rooms > users) {
      throw new IllegalArgumentException(
          "needs at least one user per room: users " + users + ", rooms " + rooms);
    }
    this.users = users;
    this.rooms = rooms;
    this.lastSeq = new long[users];
  }

  /** The room user {@code u} is a member of. */
  int roomOf(int user) {
    return user % rooms;
  }

  /** How many members room {@code r} has. */
  int members(int room) {
    return users / rooms + (room < users % rooms ? 1 : 0);
  }

  /** Member {@code i} (0 .. members(room)-1) of {@code room}. */
  int member(int room, int i) {
    return room + i * rooms;
  }

  /**
   * Post {@code id} to {@code room} is about to be sent; {@code measured} unless it belongs to the
   * warm-up.
   */
  synchronized void posted(long id, int room, long sentNanos, boolean measured) {
    if (posts.putIfAbsent(id, new Post(room, sentNanos, measured)) != null) {
      throw new IllegalStateException("post " + id + " sent twice");
    }
    if (measured) {
      measuredPosts++;
      unanswered++;
    }
  }

  /**
   * The answer to post {@code id}: {@code status} (201 is success), or no status (0) and a failure
   * {@code kind} ({@link Stats#IO}, {@link Stats#TIMEOUT}).
   */
  synchronized void answered(long id, int status, String kind, long nowNanos) {
    Post post = posts.get(id);
    if (post == null || post.answer != 0) {
      throw new IllegalStateException("post " + id + " answered twice or never sent");
    }
    post.answer = status == 201 ? 1 : -1;
    if (!post.measured) {
      return;
    }
    unanswered--;
    if (status > 0) {
      postStatuses.merge(Integer.toString(status), 1L, Long::sum);
      postLatency.recordValue(Math.max(0, (nowNanos - post.sentNanos) / 1000));
    }
    if (post.answer < 0) {
      postFailures.merge(status > 0 ? Integer.toString(status) : kind, 1L, Long::sum);
    }
  }

  /**
   * A frame of post {@code id}, numbered {@code seq} in its room, reached {@code user} at {@code
   * nowNanos}.
   */
  synchronized void delivered(long id, int user, long seq, long nowNanos) {
    Post post = posts.get(id);
    if (post == null || user < 0 || user >= users || roomOf(user) != post.room) {
      unexpected++;
      return;
    }
    boolean inOrder = seq > lastSeq[user];
    lastSeq[user] = Math.max(lastSeq[user], seq);
    if (!post.measured) {
      return;
    }
    int index = user / rooms;
    if (post.got.get(index)) {
      duplicates++;
      return;
    }
    post.got.set(index);
    post.received++;
    latency.recordValue(Math.max(0, (nowNanos - post.sentNanos) / 1000));
    if (!inOrder) {
      reordered++;
    }
  }

  /** A frame that names no post of this run. */
  synchronized void unexpected() {
    unexpected++;
  }

  /**
   * Whether every measured post was answered and every one that succeeded reached all its members.
   */
  synchronized boolean settled() {
    if (unanswered > 0) {
      return false;
    }
    for (Post post : posts.values()) {
      if (post.measured && post.answer > 0 && post.received < members(post.room)) {
        return false;
      }
    }
    return true;
  }

  synchronized Summary summary() {
    long ok = 0;
    long expected = 0;
    long delivered = 0;
    for (Post post : posts.values()) {
      if (post.measured && post.answer > 0) {
        ok++;
        expected += members(post.room);
        delivered += post.received;
      }
    }
    Map<String, Long> failures = new TreeMap<>(postFailures);
    if (unanswered > 0) {
      failures.merge(UNFINISHED, unanswered, Long::sum);
    }
    return new Summary(
        measuredPosts,
        ok,
        measuredPosts - ok,
        expected,
        delivered,
        expected - delivered,
        duplicates,
        reordered,
        unexpected,
        new TreeMap<>(postStatuses),
        failures,
        latency.copy(),
        postLatency.copy());
  }
}
