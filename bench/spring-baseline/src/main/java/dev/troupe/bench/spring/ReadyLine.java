package dev.troupe.bench.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Logs the line bench/run waits for, with the port (useful with {@code --port 0}). */
@Component
class ReadyLine {
  private static final Logger LOG = LoggerFactory.getLogger(ReadyLine.class);

  @EventListener
  void ready(ApplicationReadyEvent event) {
    int port =
        ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
    LOG.info("Spring baseline ready port={}", port);
  }
}
