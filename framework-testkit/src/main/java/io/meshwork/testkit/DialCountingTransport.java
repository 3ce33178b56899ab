package io.meshwork.testkit;

import io.meshwork.Address;
import io.meshwork.transport.Connection;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.Transport;
import io.meshwork.transport.TransportBinding;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/** A transport that counts the dials its bindings make; everything else is the delegate's. */
final class DialCountingTransport implements Transport {

  private final Transport delegate;
  final AtomicInteger dials = new AtomicInteger();

  DialCountingTransport(Transport delegate) {
    this.delegate = delegate;
  }

  @Override
  public Mono<TransportBinding> bind(PeerInfo local, Responder responder) {
    return delegate.bind(local, responder).map(Counting::new);
  }

  private final class Counting implements TransportBinding {
    private final TransportBinding binding;

    Counting(TransportBinding binding) {
      this.binding = binding;
    }

    @Override
    public PeerInfo local() {
      return binding.local();
    }

    @Override
    public Mono<Connection> connect(Address remote) {
      return binding.connect(remote).doOnSubscribe(s -> dials.incrementAndGet());
    }

    @Override
    public Mono<Void> onClose() {
      return binding.onClose();
    }

    @Override
    public void dispose() {
      binding.dispose();
    }

    @Override
    public boolean isDisposed() {
      return binding.isDisposed();
    }
  }
}
