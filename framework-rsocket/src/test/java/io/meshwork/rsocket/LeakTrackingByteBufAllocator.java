package io.meshwork.rsocket;

import static org.awaitility.Awaitility.await;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * An allocator that remembers every buffer it hands out, so a test can assert that each was
 * released, deterministically and naming the test (Netty's leak detector only reports what the
 * garbage collector happened to find). Pass it to {@code RSocketTransport.builder().allocator()}.
 */
public final class LeakTrackingByteBufAllocator extends AbstractByteBufAllocator {

  private final UnpooledByteBufAllocator delegate = new UnpooledByteBufAllocator(true, true);
  private final Queue<ByteBuf> tracked = new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicLong handedOut = new java.util.concurrent.atomic.AtomicLong();

  /** Every so many allocations, released buffers are forgotten, so a flood test stays small. */
  private static final int PRUNE_EVERY = 4096;

  /** A new allocator that prefers direct buffers, as Netty's transports do. */
  public LeakTrackingByteBufAllocator() {
    super(true);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(delegate.heapBuffer(initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return track(delegate.directBuffer(initialCapacity, maxCapacity));
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return track(super.compositeHeapBuffer(maxNumComponents));
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return track(super.compositeDirectBuffer(maxNumComponents));
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  private <B extends ByteBuf> B track(B buf) {
    tracked.add(buf);
    if (handedOut.incrementAndGet() % PRUNE_EVERY == 0) {
      tracked.removeIf(b -> b.refCnt() == 0); // released: nothing left to check
    }
    return buf;
  }

  /**
   * How many buffers were handed out since the last check.
   *
   * @return the count
   */
  public int allocated() {
    return (int) handedOut.get();
  }

  /**
   * Waits up to {@code within} for every buffer handed out to be released (frames still in flight
   * when a test ends are released a moment later), then forgets them.
   *
   * @param within the longest wait
   * @throws AssertionError listing the unreleased buffers
   */
  public void assertAllReleased(Duration within) {
    try {
      await()
          .atMost(within)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> tracked.stream().allMatch(b -> b.refCnt() == 0));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      List<ByteBuf> leaked =
          tracked.stream().filter(b -> b.refCnt() != 0).collect(Collectors.toList());
      throw new AssertionError(
          leaked.size()
              + " of "
              + tracked.size()
              + " buffers were not released: "
              + leaked.stream()
                  .limit(5)
                  .map(b -> b + " refCnt=" + b.refCnt() + " " + ByteBufUtil.hexDump(b, 0, Math.min(64, b.writerIndex())))
                  .collect(Collectors.joining("; ")));
    } finally {
      tracked.clear();
      handedOut.set(0);
    }
  }
}
