package io.meshwork.core.memory;

import io.meshwork.Address;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.Transport;
import io.meshwork.transport.TransportBinding;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A network inside one JVM: every node built with the same instance can reach the others, and no
 * node outside it. Each instance is its own isolated network, so tests running in parallel never
 * see each other's nodes.
 *
 * <pre>{@code
 * InMemoryTransport network = InMemoryTransport.create();
 * Node a = Node.builder().transport(network).route("echo", echo).build();
 * Node b = Node.builder().transport(network).build();
 * a.start().then(b.start()).block(Duration.ofSeconds(10));
 * b.request(Target.address(a.address()), Message.of("echo", "hi"));
 * }</pre>
 *
 * <p>Messages are passed by reference (they are immutable); handlers run on the caller's thread;
 * demand flows from the caller's subscriber straight to the handler's publisher.
 */
public final class InMemoryTransport implements Transport {

  private final Map<Address, InMemoryBinding> bound = new ConcurrentHashMap<>();

  private InMemoryTransport() {}

  /**
   * A new, empty network.
   *
   * @return the transport
   */
  public static InMemoryTransport create() {
    return new InMemoryTransport();
  }

  @Override
  public Mono<TransportBinding> bind(PeerInfo local, Responder responder) {
    return Mono.fromCallable(
        () -> {
          Address requested = local.address();
          if (requested.port() != 0) {
            return register(local, requested, responder);
          }
          for (int port = 1; port <= 65535; port++) {
            InMemoryBinding b = tryRegister(local, Address.of(requested.host(), port), responder);
            if (b != null) {
              return b;
            }
          }
          throw new IllegalStateException("No free in-memory port on host " + requested.host());
        });
  }

  private TransportBinding register(PeerInfo local, Address address, Responder responder) {
    InMemoryBinding b = tryRegister(local, address, responder);
    if (b == null) {
      throw new IllegalStateException("In-memory address already in use: " + address);
    }
    return b;
  }

  private @Nullable InMemoryBinding tryRegister(
      PeerInfo local, Address address, Responder responder) {
    InMemoryBinding b =
        new InMemoryBinding(
            this,
            new PeerInfo(local.id(), address, local.maxInboundPayloadSize()),
            responder);
    return bound.putIfAbsent(address, b) == null ? b : null;
  }

  @Nullable InMemoryBinding lookup(Address address) {
    return bound.get(address);
  }

  void unbind(InMemoryBinding binding) {
    bound.remove(binding.local().address(), binding);
  }
}
