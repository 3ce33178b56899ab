package io.meshwork.transport;

import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;

/**
 * Subscriptions a node or transport starts on its own behalf (a detached handler, a watch on a
 * connection's close) and must cancel when it shuts down. Each leaves the set when it ends, so
 * the set holds only what is running. Errors of the publishers are swallowed: give them their own
 * error handling first.
 *
 * <pre>{@code
 * owned.run(connection.onClose().doFinally(s -> forget(connection)));
 * owned.dispose();   // at shutdown: cancels whatever still runs
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class OwnedSubscriptions implements Disposable {

  private final Disposable.Composite running = Disposables.composite();

  /**
   * Subscribes, and keeps the subscription until it ends or this set is disposed.
   *
   * @param publisher what to run; after {@link #dispose()} it is cancelled at once
   */
  public void run(Publisher<?> publisher) {
    Disposable.Swap slot = Disposables.swap();
    if (!running.add(slot)) {
      return; // disposed: nothing more may start
    }
    slot.update(
        Flux.from(publisher).doFinally(s -> running.remove(slot)).subscribe(null, e -> {}));
  }

  /**
   * How many subscriptions still run.
   *
   * @return the count
   */
  public int size() {
    return running.size();
  }

  @Override
  public void dispose() {
    running.dispose();
  }

  @Override
  public boolean isDisposed() {
    return running.isDisposed();
  }
}
