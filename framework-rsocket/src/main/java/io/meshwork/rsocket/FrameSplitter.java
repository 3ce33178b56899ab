package io.meshwork.rsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.rsocket.frame.FrameLengthCodec;
import org.jspecify.annotations.Nullable;

/**
 * Splits the bytes a TCP connection reads into RSocket frames, each with its 3-byte length prefix
 * (what rsocket-java's {@code TcpDuplexConnection} expects), copying only the frames that
 * straddle two reads.
 *
 * <p>It replaces rsocket-java's {@code RSocketLengthCodec}, a Netty {@code
 * ByteToMessageDecoder}: once a read ends inside a frame, that decoder appends the whole next read
 * to the leftover bytes, and grows its buffer to do so. Under load most reads end inside a frame,
 * so nearly every byte received was copied once more, and buffers reallocated: at 256 calls in
 * flight with 1 KiB payloads the copies took about 4 % of a server's CPU. Here, the frames a read
 * holds whole are passed on as retained slices of it, and only a frame cut by the end of a read is
 * copied, into a buffer of its own that the next reads complete.
 *
 * <p>A frame's buffer is allocated for its declared length, up to {@value #FIRST_CAPACITY} bytes
 * at first, and grows with the bytes that actually arrive: a peer declaring a large frame and
 * sending nothing more holds no more memory than it sent. A declared length above rsocket's frame
 * limit ({@value FrameLengthCodec#FRAME_LENGTH_MASK} bytes) cannot be framed and closes the
 * connection, after a {@link TooLongFrameException} is fired down the pipeline. One instance per
 * channel; used on its event loop only.
 */
final class FrameSplitter extends ChannelInboundHandlerAdapter {

  /** The handler's name in the pipeline. */
  static final String NAME = "meshwork.frames";

  /** The length prefix of a frame on a TCP connection. */
  static final int PREFIX = FrameLengthCodec.FRAME_LENGTH_SIZE;

  /** The most a pending frame's buffer holds before the bytes to fill it arrive. */
  static final int FIRST_CAPACITY = 64 * 1024;

  /** A frame begun by an earlier read (or only its prefix, if {@link #pendingSize} is unknown). */
  private @Nullable ByteBuf pending;

  /** The whole size of the pending frame, prefix included, or -1 while its prefix is incomplete. */
  private int pendingSize;

  /** Whether bytes were read, and whether a frame was passed on, since the last read completed. */
  private boolean readBytes;

  private boolean passedOn;

  /**
   * Whether the stream lost its framing (a frame too long, or no memory to hold one): the
   * connection is closing, and whatever still arrives is released unread.
   */
  private boolean failed;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    readBytes = true;
    try {
      if (failed || (pending != null && (!completePending(ctx, in) || ctx.isRemoved()))) {
        return; // unframable, all inside the pending frame, or the handler is gone (see below)
      }
      int readable;
      while ((readable = in.readableBytes()) >= PREFIX) {
        int at = in.readerIndex();
        int size = frameSize(ctx, in.getUnsignedMedium(at));
        if (size < 0) {
          return;
        }
        if (readable < size) {
          break;
        }
        in.readerIndex(at + size);
        passOn(ctx, in.retainedSlice(at, size));
        if (ctx.isRemoved()) {
          return; // the pipeline is being torn down: what is left of the read goes with it
        }
      }
      if (in.isReadable() && ctx.channel().isActive()) {
        startPending(ctx.alloc(), in);
      }
    } catch (RuntimeException | Error e) { // no memory for a pending frame: the stream is lost
      failed = true;
      releasePending();
      throw e;
    } finally {
      in.release();
    }
  }

  /**
   * Copies what the pending frame still needs from {@code in}, and passes it on once whole.
   *
   * @return whether the frame is whole (and {@code in} may hold more)
   */
  private boolean completePending(ChannelHandlerContext ctx, ByteBuf in) {
    ByteBuf frame = pending;
    if (pendingSize < 0) { // the prefix itself was cut
      frame.writeBytes(in, Math.min(PREFIX - frame.readableBytes(), in.readableBytes()));
      if (frame.readableBytes() < PREFIX) {
        return false;
      }
      pendingSize = frameSize(ctx, frame.getUnsignedMedium(frame.readerIndex()));
      if (pendingSize < 0) {
        return false;
      }
      frame.capacity(Math.min(pendingSize, FIRST_CAPACITY)); // one step up from the 3 bytes
    }
    int missing = pendingSize - frame.readableBytes();
    int taken = Math.min(missing, in.readableBytes());
    frame.writeBytes(in, taken);
    if (taken < missing) {
      return false;
    }
    pending = null;
    passOn(ctx, frame);
    return true;
  }

  /** Copies the start of a frame that the read cut off into a buffer of its own. */
  private void startPending(ByteBufAllocator alloc, ByteBuf in) {
    int readable = in.readableBytes();
    if (readable < PREFIX) {
      pendingSize = -1;
      pending = alloc.buffer(PREFIX, FrameLengthCodec.FRAME_LENGTH_MASK);
    } else {
      pendingSize = PREFIX + in.getUnsignedMedium(in.readerIndex()); // checked by the caller
      pending = alloc.buffer(Math.min(pendingSize, Math.max(readable, FIRST_CAPACITY)), pendingSize);
    }
    pending.writeBytes(in);
  }

  /**
   * The whole size of a frame whose prefix reads {@code length}, or -1 (after firing the error
   * and closing the channel) if rsocket cannot take a frame that long.
   */
  private int frameSize(ChannelHandlerContext ctx, int length) {
    int size = PREFIX + length;
    if (size <= FrameLengthCodec.FRAME_LENGTH_MASK) {
      return size;
    }
    failed = true;
    releasePending();
    ctx.fireExceptionCaught(
        new TooLongFrameException(
            "A frame of "
                + size
                + " bytes exceeds RSocket's limit of "
                + FrameLengthCodec.FRAME_LENGTH_MASK));
    ctx.close();
    return -1;
  }

  private void passOn(ChannelHandlerContext ctx, ByteBuf frame) {
    passedOn = true;
    ctx.fireChannelRead(frame);
  }

  /**
   * As Netty's decoders do: with auto-read off (reactor-netty turns it off while its subscriber
   * has no demand), a read that brought bytes but completed no frame asks for the next one
   * itself, since no subscriber will ask for a frame it has not seen.
   */
  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (readBytes && !passedOn && !ctx.channel().config().isAutoRead()) {
      ctx.read();
    }
    readBytes = false;
    passedOn = false;
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePending(); // a frame the peer never finished
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePending();
  }

  /** For tests: the capacity of the pending frame's buffer, or -1 if no frame is pending. */
  int pendingCapacity() {
    ByteBuf frame = pending;
    return frame == null ? -1 : frame.capacity();
  }

  private void releasePending() {
    ByteBuf frame = pending;
    if (frame != null) {
      pending = null;
      frame.release();
    }
  }
}
