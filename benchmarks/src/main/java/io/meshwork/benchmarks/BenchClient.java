package io.meshwork.benchmarks;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One system's client, as every benchmark drives it: the same few verbs for Meshwork, raw
 * rsocket-java and gRPC-java, so one harness ({@link Window}, or {@code block()} for latency)
 * issues calls the same way whichever system is measured. A system that lacks a verb (gRPC here
 * serves unary echo only) throws {@link UnsupportedOperationException}.
 */
public interface BenchClient extends AutoCloseable {

  /**
   * Request-response to the echo route.
   *
   * @return the reply's payload size, once it arrives
   */
  Mono<Integer> call();

  /**
   * Fire-and-forget to the sink route.
   *
   * @return completion once the message is handed to the connection
   */
  Mono<Void> send();

  /**
   * How many sink messages the server has counted so far (a request-response on the count route,
   * which the server answers after every earlier frame on the connection).
   *
   * @return the server's count
   */
  Mono<Long> received();

  /**
   * Request-stream: asks the server for {@code items} items of the client's payload size.
   *
   * @param items how many items
   * @return each item's payload size
   */
  Flux<Integer> stream(int items);

  /** Closes the client's connections; bounded. */
  @Override
  void close();
}
