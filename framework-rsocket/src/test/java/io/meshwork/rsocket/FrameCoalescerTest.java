package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameCoalescerTest {

  private static final int MAX = 64;

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final EmbeddedChannel channel = new EmbeddedChannel();

  FrameCoalescerTest() {
    channel.config().setAllocator(allocator);
    channel.pipeline().addFirst(FrameCoalescer.NAME, new FrameCoalescer(MAX));
  }

  @AfterEach
  void allReleased() {
    channel.finishAndReleaseAll();
    allocator.assertAllReleased(Duration.ofSeconds(1));
  }

  @Test
  void aLoneFrameIsPassedOnUntouched() {
    ByteBuf frame = frame("lone");
    ChannelPromise promise = channel.newPromise();
    channel.write(frame, promise);
    assertThat(promise.isDone()).as("not written before the flush").isFalse();
    channel.flush();

    ByteBuf out = channel.readOutbound();
    assertThat(out).isSameAs(frame);
    assertThat(promise.isSuccess()).isTrue();
    out.release();
  }

  @Test
  void aLoneOrLargeFrameWithAHeapPartLeavesAsOneDirectCopy() {
    ByteBuf lone = mixed("head:", "heap body");
    ByteBuf large = mixed("head:", "H".repeat(MAX + 1));
    String loneText = lone.toString(StandardCharsets.US_ASCII);
    String largeText = large.toString(StandardCharsets.US_ASCII);
    ChannelPromise p1 = channel.newPromise();
    ChannelPromise p2 = channel.newPromise();
    channel.write(lone, p1);
    channel.write(large, p2); // above the maximum: writes the lone frame, then itself
    assertThat(lone.refCnt()).as("copied and released").isZero();
    assertThat(large.refCnt()).as("copied and released").isZero();
    channel.flush();

    ByteBuf first = channel.readOutbound();
    ByteBuf second = channel.readOutbound();
    assertThat(first.isDirect()).isTrue();
    assertThat(first.toString(StandardCharsets.US_ASCII)).isEqualTo(loneText);
    assertThat(second.isDirect()).isTrue();
    assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo(largeText);
    assertThat(p1.isSuccess()).isTrue();
    assertThat(p2.isSuccess()).isTrue();
    first.release();
    second.release();
  }

  @Test
  void framesBetweenFlushesLeaveAsOneBufferInOrder() {
    List<ByteBuf> frames = new ArrayList<>();
    List<ChannelPromise> promises = new ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      ByteBuf f = i % 3 == 0 ? composite("c" + i + ":", "part-" + i + ";") : frame("f" + i + ";");
      expected.append(f.toString(StandardCharsets.US_ASCII));
      frames.add(f);
      ChannelPromise p = channel.newPromise();
      promises.add(p);
      channel.write(f, p);
    }
    assertThat(frames).as("every frame copied and released").allMatch(f -> f.refCnt() == 0);
    assertThat(promises).noneMatch(ChannelPromise::isDone);
    channel.flush();

    ByteBuf out = channel.readOutbound();
    assertThat(out.isDirect()).isTrue();
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(promises).allMatch(ChannelPromise::isSuccess);
    out.release();
  }

  @Test
  void largeFramesAndOtherMessagesKeepTheirPlace() {
    channel.write(frame("a;"));
    channel.write(frame("b;"));
    ByteBuf large = frame("L".repeat(MAX + 1));
    channel.write(large);
    channel.write("not a buffer");
    channel.write(frame("c;"));
    channel.flush();

    ByteBuf batch = channel.readOutbound();
    assertThat(batch.toString(StandardCharsets.US_ASCII)).isEqualTo("a;b;");
    ByteBuf passed = channel.readOutbound();
    assertThat(passed).as("a frame above the maximum is not copied").isSameAs(large);
    assertThat((Object) channel.readOutbound()).isEqualTo("not a buffer");
    ByteBuf last = channel.readOutbound();
    assertThat(last.toString(StandardCharsets.US_ASCII)).isEqualTo("c;");
    ReferenceCountUtil.release(batch);
    ReferenceCountUtil.release(passed);
    ReferenceCountUtil.release(last);
  }

  @Test
  void aFullBatchIsWrittenAndANewOneStarted() {
    String body = "x".repeat(MAX - 1) + ";";
    int frames = FrameCoalescer.BATCH_BYTES / MAX * 2 + 3;
    for (int i = 0; i < frames; i++) {
      channel.write(frame(body));
    }
    channel.flush();

    StringBuilder all = new StringBuilder();
    int buffers = 0;
    for (ByteBuf b; (b = channel.readOutbound()) != null; buffers++) {
      assertThat(b.readableBytes()).isLessThanOrEqualTo(FrameCoalescer.BATCH_BYTES);
      all.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
    assertThat(buffers).isEqualTo(3);
    assertThat(all.toString()).isEqualTo(body.repeat(frames));
  }

  @Test
  void aFailedWriteFailsEveryFrameOfItsBatch() {
    IOException broken = new IOException("broken pipe");
    channel
        .pipeline()
        .addFirst(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(broken);
              }
            });
    ChannelPromise p1 = channel.newPromise();
    ChannelPromise p2 = channel.newPromise();
    channel.write(frame("one"), p1);
    channel.write(frame("two"), p2);
    channel.flush();

    assertThat(p1.cause()).isSameAs(broken);
    assertThat(p2.cause()).isSameAs(broken);
  }

  @Test
  void pendingFramesAreReleasedAndFailedWhenTheChannelCloses() {
    ChannelPromise lone = channel.newPromise();
    channel.write(frame("lone"), lone);
    channel.close();
    assertThat(lone.cause()).isInstanceOf(ClosedChannelException.class);

    EmbeddedChannel other = new EmbeddedChannel();
    other.config().setAllocator(allocator);
    other.pipeline().addFirst(new FrameCoalescer(MAX));
    ChannelPromise p1 = other.newPromise();
    ChannelPromise p2 = other.newPromise();
    other.write(frame("one"), p1);
    other.write(frame("two"), p2);
    other.pipeline().remove(FrameCoalescer.class);
    assertThat(p1.cause()).isInstanceOf(ClosedChannelException.class);
    assertThat(p2.cause()).isInstanceOf(ClosedChannelException.class);
    other.finishAndReleaseAll();
  }

  @Test
  void theMaximumIsBounded() {
    assertThatThrownBy(() -> new FrameCoalescer(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FrameCoalescer(FrameCoalescer.BATCH_BYTES + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(RSocketTransport.MAX_COALESCE_UP_TO).isLessThanOrEqualTo(FrameCoalescer.BATCH_BYTES);
  }

  private ByteBuf frame(String text) {
    ByteBuf b = allocator.directBuffer(text.length());
    b.writeCharSequence(text, StandardCharsets.US_ASCII);
    return b;
  }

  /** A frame as rsocket-java builds one around a wrapped heap payload: direct header, heap data. */
  private ByteBuf mixed(String header, String body) {
    CompositeByteBuf frame = allocator.compositeDirectBuffer(2);
    frame.addComponents(
        true, frame(header), Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.US_ASCII)));
    return frame;
  }

  /** Like rsocket-java's frames: a length prefix plus a composite of the frame's parts. */
  private ByteBuf composite(String header, String body) {
    CompositeByteBuf frame = allocator.compositeDirectBuffer(2);
    frame.addComponents(true, frame(header), frame(body));
    CompositeByteBuf framed = allocator.compositeDirectBuffer(2);
    framed.addComponents(true, Unpooled.EMPTY_BUFFER, frame);
    return framed;
  }
}
