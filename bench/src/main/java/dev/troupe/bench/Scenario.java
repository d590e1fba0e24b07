package dev.troupe.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the load generator asks for; each scenario isolates one path through the server. */
enum Scenario {
  HIT("hit", "GET one of --keys pre-written ids, uniformly at random (served from the cache)"),
  MISS("miss", "PUT --preload N unique docs first, then GET each of them exactly once"),
  MISS_RANGE(
      "miss-range",
      "GET --id-prefix + i for i from --id-start, each once (--id-count bounds it); docs written by someone else"),
  MISS_404("miss-404", "GET ids never written, each once; 404 is the expected answer"),
  PUT_NEW("put-new", "PUT a new unique id on every request"),
  PUT_REPLACE("put-replace", "PUT over the same --keys ids, uniformly at random"),
  MIXED(
      "mixed",
      "GET or PUT (--put-percent, default 10) over --keys ids drawn from a Zipf distribution"),
  LIST("list", "GET one page of the collection, /api/v1/docs/{c}?limit=50"),
  MGET(
      "mget",
      "POST _mget of --batch ids (default 100) drawn uniformly from the --keys pre-written ids"),
  CHAT_HISTORY(
      "chat-history",
      "GET the last --history messages of one of --rooms chat rooms (--room-dist): one actor message, answered from its memory"),
  CHAT_POST(
      "chat-post",
      "POST a message to one of --rooms chat rooms (--room-dist): one actor message plus one stored document");

  final String cliName;
  final String description;

  Scenario(String cliName, String description) {
    this.cliName = cliName;
    this.description = description;
  }

  static Scenario parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Scenario s : values()) {
      if (s.cliName.equals(wanted)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario '" + name + "'; one of " + names());
  }

  static String names() {
    return Arrays.stream(values()).map(s -> s.cliName).collect(Collectors.joining(", "));
  }

  static String help() {
    return Arrays.stream(values())
        .map(s -> String.format("  %-12s %s", s.cliName, s.description))
        .collect(Collectors.joining("\n"));
  }

  /** Whether an answer with this status counts as a success in this scenario. */
  boolean isSuccess(int status) {
    return (status >= 200 && status < 300) || status == 304 || (this == MISS_404 && status == 404);
  }

  /**
   * The fixed ids ({@code k-0} .. {@code k-(keys-1)}) this scenario needs written before it starts.
   */
  boolean needsKeys() {
    return this == HIT || this == PUT_REPLACE || this == MIXED || this == LIST || this == MGET;
  }

  /** Whether every request is one message to one of the {@code --rooms} chat-room actors. */
  boolean isChat() {
    return this == CHAT_HISTORY || this == CHAT_POST;
  }
}
