package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FrameSplitterTest {

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final List<Throwable> errors = new ArrayList<>();
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private int readsAsked;

  FrameSplitterTest() {
    channel.config().setAllocator(allocator);
    channel
        .pipeline()
        .addLast(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void read(ChannelHandlerContext ctx) {
                readsAsked++;
                ctx.read();
              }
            })
        .addLast(FrameSplitter.NAME, new FrameSplitter())
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
              }
            });
  }

  @AfterEach
  void allReleased() {
    channel.finishAndReleaseAll();
    allocator.assertAllReleased(Duration.ofSeconds(1));
  }

  @Test
  void framesWholeInARead_arePassedOnAsSlicesOfIt_withoutAllocating() {
    byte[] a = frame(10, (byte) 1);
    byte[] b = frame(1024, (byte) 2);
    ByteBuf read = input(concat(a, b));
    int before = allocator.allocated();

    channel.writeInbound(read);

    ByteBuf first = channel.readInbound();
    ByteBuf second = channel.readInbound();
    assertThat(bytes(first)).isEqualTo(a);
    assertThat(bytes(second)).isEqualTo(b);
    assertThat(first.unwrap()).as("a view of the read").isSameAs(read);
    assertThat(second.unwrap()).isSameAs(read);
    assertThat(allocator.allocated()).as("nothing allocated").isEqualTo(before);
    assertThat((Object) channel.readInbound()).isNull();
    first.release();
    second.release();
    assertThat(read.refCnt()).as("released once its frames are").isZero();
  }

  @Test
  void aFrameCutByTheEndOfARead_isCopiedOnce_andPassedOnWhenComplete() {
    byte[] a = frame(100, (byte) 1);
    byte[] b = frame(2000, (byte) 2);
    byte[] stream = concat(a, b);
    int cut = a.length + 700;

    channel.writeInbound(input(Arrays.copyOfRange(stream, 0, cut)));
    ByteBuf first = channel.readInbound();
    assertThat(bytes(first)).isEqualTo(a);
    assertThat((Object) channel.readInbound()).as("the cut frame waits").isNull();

    channel.writeInbound(input(Arrays.copyOfRange(stream, cut, stream.length)));
    ByteBuf second = channel.readInbound();
    assertThat(bytes(second)).isEqualTo(b);
    first.release();
    second.release();
  }

  /** Every way of cutting a stream of frames into reads yields the same frames, in order. */
  @Test
  void anyCuttingOfTheStream_yieldsTheSameFrames() {
    for (long seed = 1; seed <= 300; seed++) {
      Random random = new Random(seed);
      List<byte[]> frames = new ArrayList<>();
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      int count = 1 + random.nextInt(30);
      for (int i = 0; i < count; i++) {
        int body = random.nextInt(8) == 0 ? random.nextInt(3) : random.nextInt(3000);
        byte[] f = frame(body, (byte) i);
        frames.add(f);
        stream.writeBytes(f);
      }
      byte[] all = stream.toByteArray();
      List<byte[]> out = new ArrayList<>();
      int at = 0;
      while (at < all.length) {
        int read = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 1 + random.nextInt(5000);
        int end = Math.min(all.length, at + read);
        channel.writeInbound(input(Arrays.copyOfRange(all, at, end)));
        at = end;
        for (ByteBuf f; (f = channel.readInbound()) != null; ) {
          out.add(bytes(f));
          f.release();
        }
      }
      assertThat(out).as("seed %d", seed).hasSize(frames.size());
      for (int i = 0; i < frames.size(); i++) {
        assertThat(out.get(i)).as("seed %d, frame %d", seed, i).isEqualTo(frames.get(i));
      }
    }
  }

  @Test
  void aLargeDeclaredFrame_holdsOnlyWhatArrived() {
    int body = 4 * 1024 * 1024;
    byte[] f = frame(body, (byte) 7);
    channel.writeInbound(input(Arrays.copyOfRange(f, 0, 100)));
    assertThat(splitter().pendingCapacity())
        .as("not the declared 4 MiB")
        .isEqualTo(FrameSplitter.FIRST_CAPACITY);

    channel.writeInbound(input(Arrays.copyOfRange(f, 100, f.length)));
    ByteBuf whole = channel.readInbound();
    assertThat(bytes(whole)).isEqualTo(f);
    whole.release();
  }

  @Test
  void aCutPrefix_isCompletedByTheNextRead() {
    byte[] f = frame(50, (byte) 3);
    channel.writeInbound(input(Arrays.copyOfRange(f, 0, 1)));
    channel.writeInbound(input(Arrays.copyOfRange(f, 1, 2)));
    assertThat((Object) channel.readInbound()).isNull();
    channel.writeInbound(input(Arrays.copyOfRange(f, 2, 13)));
    assertThat(splitter().pendingCapacity()).as("sized once the length is known").isEqualTo(f.length);
    channel.writeInbound(input(Arrays.copyOfRange(f, 13, f.length)));
    ByteBuf whole = channel.readInbound();
    assertThat(bytes(whole)).isEqualTo(f);
    whole.release();
  }

  @Test
  void aFrameLongerThanRSocketAllows_closesTheConnection_withATypedError() {
    byte[] before = frame(20, (byte) 1);
    byte[] tooLong = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3};

    channel.writeInbound(input(concat(before, tooLong)));

    ByteBuf first = channel.readInbound();
    assertThat(bytes(first)).as("frames before it still arrive").isEqualTo(before);
    first.release();
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(errors).singleElement().isInstanceOf(TooLongFrameException.class);
    assertThat(errors.get(0)).hasMessageContaining("16777218").hasMessageContaining("16777215");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aTooLongFrameWhosePrefixWasCut_closesTheConnection_andReleasesWhatItHeld() {
    channel.writeInbound(input(new byte[] {(byte) 0xFF}));
    assertThat(splitter().pendingCapacity()).as("the cut prefix is held").isPositive();

    channel.writeInbound(input(new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2}));

    assertThat((Object) channel.readInbound()).isNull();
    assertThat(errors).singleElement().isInstanceOf(TooLongFrameException.class);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void afterATooLongFrame_laterReadsAreReleasedUnread() {
    FrameSplitter splitter = splitter();
    ChannelHandlerContext ctx = channel.pipeline().context(FrameSplitter.NAME);
    channel.writeInbound(input(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
    ByteBuf late = input(frame(10, (byte) 1));

    splitter.channelRead(ctx, late); // as a read already under way when the close was asked for

    assertThat(late.refCnt()).isZero();
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(errors).hasSize(1);
  }

  @Test
  void aPendingFrame_isReleasedWhenTheSplitterIsRemoved_fromAnOpenChannel() {
    byte[] f = frame(3000, (byte) 1);
    channel.writeInbound(input(Arrays.copyOfRange(f, 0, 1000)));
    assertThat(splitter().pendingCapacity()).isPositive();

    channel.pipeline().remove(FrameSplitter.NAME);

    assertThat(channel.isOpen()).isTrue();
    allocator.assertAllReleased(Duration.ofMillis(200));
  }

  @Test
  void whenAFramesReceiverRemovesTheSplitter_theRestOfTheReadIsReleased_andNothingIsHeld() {
    FrameSplitter splitter = splitter();
    channel
        .pipeline()
        .addAfter(
            FrameSplitter.NAME,
            "remover",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.pipeline().remove(FrameSplitter.NAME);
                ctx.fireChannelRead(msg);
              }
            });
    byte[] cutOff = frame(500, (byte) 3);
    ByteBuf read =
        input(concat(concat(frame(10, (byte) 1), frame(10, (byte) 2)), Arrays.copyOf(cutOff, 100)));

    channel.writeInbound(read);

    ByteBuf first = channel.readInbound();
    assertThat(bytes(first)).isEqualTo(frame(10, (byte) 1));
    first.release();
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(splitter.pendingCapacity()).as("no frame begun after removal").isEqualTo(-1);
    assertThat(read.refCnt()).isZero();
  }

  @Test
  void aFrameThePeerNeverFinishes_isReleasedWhenTheConnectionCloses() {
    byte[] f = frame(3000, (byte) 1);
    channel.writeInbound(input(Arrays.copyOfRange(f, 0, 1000)));
    assertThat(splitter().pendingCapacity()).isPositive();
    channel.close();
    allocator.assertAllReleased(Duration.ofMillis(200)); // the read and the pending frame
  }

  @Test
  void withAutoReadOff_aReadThatCompletesNoFrame_asksForTheNextOne() {
    channel.config().setAutoRead(false);
    int asked = readsAsked;
    byte[] f = frame(3000, (byte) 1);

    channel.writeInbound(input(Arrays.copyOfRange(f, 0, 1000)));
    assertThat(readsAsked).as("no frame yet: read on").isEqualTo(asked + 1);

    channel.writeInbound(input(Arrays.copyOfRange(f, 1000, f.length)));
    assertThat(readsAsked).as("a frame went up: its subscriber decides").isEqualTo(asked + 1);
    ByteBuf whole = channel.readInbound();
    whole.release();
  }

  @Test
  void withAutoReadOff_aReadCompleteWithoutBytes_asksForNothing() {
    channel.config().setAutoRead(false);
    int asked = readsAsked;

    channel.pipeline().fireChannelReadComplete(); // after a read of 0 bytes
    channel.writeInbound("not bytes");

    assertThat(readsAsked).isEqualTo(asked);
    assertThat((Object) channel.readInbound()).isEqualTo("not bytes");
  }

  @Test
  void whatIsNotABuffer_isPassedOn() {
    Object event = "not bytes";
    channel.writeInbound(event);
    assertThat((Object) channel.readInbound()).isSameAs(event);
  }

  private FrameSplitter splitter() {
    return (FrameSplitter) channel.pipeline().get(FrameSplitter.NAME);
  }

  /** A frame as it travels: a 3-byte length, then {@code body} bytes of {@code fill}. */
  private static byte[] frame(int body, byte fill) {
    byte[] f = new byte[FrameSplitter.PREFIX + body];
    f[0] = (byte) (body >>> 16);
    f[1] = (byte) (body >>> 8);
    f[2] = (byte) body;
    Arrays.fill(f, FrameSplitter.PREFIX, f.length, fill);
    if (body > 0) {
      f[f.length - 1] = (byte) (fill + 1); // so a frame cut one byte short would not pass
    }
    return f;
  }

  private ByteBuf input(byte[] bytes) {
    return allocator.directBuffer(bytes.length).writeBytes(bytes);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] bytes(ByteBuf buf) {
    byte[] b = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), b);
    return b;
  }
}
