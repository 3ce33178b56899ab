package io.meshwork.rsocket;

import io.meshwork.Message;
import io.meshwork.transport.Connection;
import io.meshwork.transport.Responder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A responder that echoes every request and records the connections it is told about. */
final class RecordingResponder implements Responder {

  final Sinks.Many<Connection> connections = Sinks.many().replay().all();

  @Override
  public void onConnection(Connection connection) {
    connections.tryEmitNext(connection);
  }

  @Override
  public Mono<Void> fireAndForget(Message message) {
    return Mono.empty();
  }

  @Override
  public Mono<Message> requestResponse(Message message) {
    return Mono.just(message.reply(message.payload()));
  }

  @Override
  public Flux<Message> requestStream(Message message) {
    return Flux.just(message.reply(message.payload()));
  }

  @Override
  public Flux<Message> requestChannel(Flux<Message> inbound) {
    return inbound.map(m -> m.reply(m.payload()));
  }
}
