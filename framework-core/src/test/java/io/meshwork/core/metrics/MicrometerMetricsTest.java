package io.meshwork.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshwork.CallOptions;
import io.meshwork.FireAndForgetHandler;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.RetryPolicy;
import io.meshwork.Target;
import io.meshwork.core.memory.InMemoryTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@DisplayName("Micrometer metrics match a known traffic pattern")
class MicrometerMetricsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final InMemoryTransport network = InMemoryTransport.create();
  private final MeterRegistry clientRegistry = new SimpleMeterRegistry();
  private final MeterRegistry serverRegistry = new SimpleMeterRegistry();
  private Node server;
  private Node client;

  @AfterEach
  void stop() {
    client.shutdown().block(TIMEOUT);
    server.shutdown().block(TIMEOUT);
  }

  @Test
  @DisplayName("timers per route × interaction × direction × outcome, message and byte counters, gauges, retries")
  void knownPattern() {
    server =
        Node.builder()
            .id("server")
            .transport(network)
            .metrics(MicrometerMetrics.of(serverRegistry))
            .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
            .route("boom", Handlers.requestResponse(m -> Mono.error(new IllegalStateException("x"))))
            .route("ticks", Handlers.stream(m -> Flux.range(0, 5).map(i -> m.reply("t"))))
            .build()
            .start()
            .block(TIMEOUT);
    client =
        Node.builder()
            .id("client")
            .transport(network)
            .metrics(MicrometerMetrics.of(clientRegistry))
            .callOptions(
                CallOptions.defaults()
                    .retry(RetryPolicy.backoff(3, Duration.ofMillis(1)).jitter(0)))
            .build()
            .start()
            .block(TIMEOUT);
    Target t = Target.address(server.address());

    for (int i = 0; i < 3; i++) {
      StepVerifier.create(client.request(t, Message.of("echo", new byte[10]))).expectNextCount(1).verifyComplete();
    }
    StepVerifier.create(client.request(t, Message.of("boom"))).expectError().verify(TIMEOUT);
    StepVerifier.create(client.request(t, Message.of("nope"))).expectError().verify(TIMEOUT);
    StepVerifier.create(client.stream(t, Message.of("ticks"))).expectNextCount(5).verifyComplete();
    StepVerifier.create(client.request(Target.address("127.0.0.1:65000"), Message.of("echo")))
        .expectError()
        .verify(TIMEOUT); // unreachable: 3 attempts, so 2 retries

    assertThat(timer(clientRegistry, "echo", "request_response", "outbound", "success").count()).isEqualTo(3);
    assertThat(timer(clientRegistry, "boom", "request_response", "outbound", "handler_failed").count()).isEqualTo(1);
    assertThat(timer(clientRegistry, "nope", "request_response", "outbound", "no_route").count()).isEqualTo(1);
    assertThat(timer(clientRegistry, "ticks", "request_stream", "outbound", "success").count()).isEqualTo(1);
    assertThat(timer(clientRegistry, "echo", "request_response", "outbound", "unreachable").count()).isEqualTo(1);
    assertThat(timer(serverRegistry, "echo", "request_response", "inbound", "success").count()).isEqualTo(3);
    assertThat(timer(serverRegistry, "UNKNOWN", "request_response", "inbound", "no_route").count())
        .as("unknown routes are tagged UNKNOWN")
        .isEqualTo(1);

    // sent: 3 echo + boom + nope + ticks (the unreachable call never left: still stamped once per attempt)
    assertThat(counter(clientRegistry, "meshwork.messages", "received")).isEqualTo(3 + 5);
    assertThat(counter(clientRegistry, "meshwork.payload", "received")).isEqualTo(30 + 5);
    assertThat(counter(serverRegistry, "meshwork.messages", "received")).isEqualTo(6);
    assertThat(counter(serverRegistry, "meshwork.messages", "sent")).isEqualTo(3 + 5);
    assertThat(clientRegistry.get("meshwork.retries").counter().count()).isEqualTo(2);
    assertThat(clientRegistry.get("meshwork.peers").gauge().value()).isEqualTo(1);
    assertThat(clientRegistry.get("meshwork.requests.active").gauge().value()).isZero();

    client.shutdown().block(TIMEOUT);
    assertThat(clientRegistry.find("meshwork.peers").gauge())
        .as("a stopped node's gauges leave the registry, for a restarted node to register its own")
        .isNull();
  }

  @Test
  @DisplayName(
      "every fire-and-forget outcome is recorded on the server: success, handler_failed for a"
          + " consumer or Mono that fails or a handler that throws, no_route")
  void fireAndForgetTimers() {
    server =
        Node.builder()
            .id("server")
            .transport(network)
            .metrics(MicrometerMetrics.of(serverRegistry))
            .route("audit", Handlers.fireAndForget(m -> {}))
            .route("auditMono", (FireAndForgetHandler) m -> Mono.empty())
            .route(
                "auditFails",
                Handlers.fireAndForget(
                    m -> {
                      throw new IllegalStateException("consumer");
                    }))
            .route(
                "auditMonoFails",
                (FireAndForgetHandler) m -> Mono.error(new IllegalStateException("mono")))
            .route(
                "auditThrows",
                (FireAndForgetHandler)
                    m -> {
                      throw new IllegalStateException("handle");
                    })
            .build()
            .start()
            .block(TIMEOUT);
    client = Node.builder().id("client").transport(network).build().start().block(TIMEOUT);
    Target t = Target.address(server.address());

    for (int i = 0; i < 3; i++) {
      client.send(t, Message.of("audit")).block(TIMEOUT);
      client.send(t, Message.of("auditMono")).block(TIMEOUT);
    }
    client.send(t, Message.of("auditFails")).block(TIMEOUT);
    client.send(t, Message.of("auditMonoFails")).block(TIMEOUT);
    client.send(t, Message.of("auditThrows")).block(TIMEOUT);
    client.send(t, Message.of("nope")).block(TIMEOUT);

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(fnf("audit", "success")).isEqualTo(3);
              assertThat(fnf("auditMono", "success")).isEqualTo(3);
              assertThat(fnf("auditFails", "handler_failed")).isEqualTo(1);
              assertThat(fnf("auditMonoFails", "handler_failed")).isEqualTo(1);
              assertThat(fnf("auditThrows", "handler_failed")).isEqualTo(1);
              assertThat(fnf("UNKNOWN", "no_route")).isEqualTo(1);
            });
    assertThat(serverRegistry.find("meshwork.requests").tag("outcome", "success").timers())
        .as("no failure is also counted as a success")
        .hasSize(2);
    assertThat(counter(serverRegistry, "meshwork.messages", "received")).isEqualTo(10);
    assertThat(serverRegistry.get("meshwork.requests.active").gauge().value()).isZero();
  }

  private long fnf(String route, String outcome) {
    return timer(serverRegistry, route, "fire_and_forget", "inbound", outcome).count();
  }

  private static Timer timer(MeterRegistry r, String route, String interaction, String direction, String outcome) {
    return r.get("meshwork.requests")
        .tag("route", route)
        .tag("interaction", interaction)
        .tag("direction", direction)
        .tag("outcome", outcome)
        .timer();
  }

  private static double counter(MeterRegistry r, String name, String direction) {
    return r.get(name).tag("direction", direction).counter().count();
  }
}
