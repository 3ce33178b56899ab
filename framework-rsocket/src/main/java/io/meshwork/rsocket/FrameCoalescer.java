package io.meshwork.rsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.PromiseNotifier;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Copies the small frames written between two flushes into one direct buffer, so the socket is
 * written from one contiguous region instead of one scatter entry per frame part.
 *
 * <p>rsocket-java hands the connection each frame as a composite of three or four buffers (length
 * prefix, frame header, metadata, data). Netty writes a flush's worth of them with one {@code
 * writev}, but every part is an I/O vector of its own: the channel gathers them one by one and the
 * kernel copies them one by one, which for frames of a few dozen bytes costs more than the bytes.
 * This handler keeps the first frame of a flush as it is; when a second small frame follows, it
 * copies both, and every further small frame, into a batch buffer of up to {@link #BATCH_BYTES}.
 * A frame larger than the configured maximum, a message that is not a buffer, a full batch
 * and a flush all write what is pending first, so the order of bytes on the wire is the order of
 * the writes. A lone frame before a flush, and a frame above the maximum, is passed on untouched
 * if it is all direct memory (one call in flight pays nothing), else copied once into a direct
 * buffer of its own: {@link MessageCodec} wraps payloads instead of copying them, counting
 * on this handler for their one copy.
 *
 * <p>Each write's promise completes when the batch holding it has been written (or fails with
 * it), as Netty would complete it for the frame alone, so the sender's backpressure (reactor-netty
 * requests more frames as their writes complete) is unchanged. Pending bytes are written
 * downstream before a close, and released, with their promises failed, if the handler is removed
 * (as the channel's pipeline is torn down) while they wait. One instance per channel; used on its
 * event loop only.
 */
final class FrameCoalescer extends ChannelOutboundHandlerAdapter {

  /** The handler's name in the pipeline. */
  static final String NAME = "meshwork.coalescer";

  /** The capacity of a batch buffer; at least {@link RSocketTransport#MAX_COALESCE_UP_TO}. */
  static final int BATCH_BYTES = 32 * 1024;

  private static final ChannelPromise[] NO_PROMISES = new ChannelPromise[0];

  /** The first small frame since the last flush, not copied yet. */
  private @Nullable ByteBuf first;

  private @Nullable ChannelPromise firstPromise;

  /** The batch being filled, once a second small frame arrived; its promises below. */
  private @Nullable ByteBuf batch;

  private ChannelPromise[] promises = NO_PROMISES;
  private int promiseCount;

  /** Frames up to this many bytes are copied into a batch. */
  private final int maxCopied;

  /**
   * A coalescer for one channel.
   *
   * @param maxCopied the largest frame copied into a batch, 1 to {@link #BATCH_BYTES}
   */
  FrameCoalescer(int maxCopied) {
    if (maxCopied < 1 || maxCopied > BATCH_BYTES) {
      throw new IllegalArgumentException("maxCopied must be 1 to " + BATCH_BYTES + ": " + maxCopied);
    }
    this.maxCopied = maxCopied;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf buf)) {
      writePending(ctx);
      ctx.write(msg, promise);
      return;
    }
    if (buf.readableBytes() > maxCopied) {
      writePending(ctx);
      writeDirect(ctx, buf, promise);
      return;
    }
    ByteBuf f = first;
    if (f == null && batch == null) {
      first = buf;
      firstPromise = promise;
      return;
    }
    if (f != null) {
      copy(ctx, f, clearFirst());
    }
    copy(ctx, buf, promise);
  }

  /** Copies a small frame into the batch (a new one if it does not fit) and releases it. */
  private void copy(ChannelHandlerContext ctx, ByteBuf frame, ChannelPromise promise) {
    ByteBuf b = batch;
    if (b != null && b.writableBytes() < frame.readableBytes()) {
      writeBatch(ctx, b);
      b = null;
    }
    if (b == null) {
      b = ctx.alloc().directBuffer(BATCH_BYTES, BATCH_BYTES);
      batch = b;
    }
    int n = frame.readableBytes();
    try {
      // getBytes walks a composite part by part (memory to memory); writeBytes would first
      // merge the parts into a temporary NIO buffer.
      frame.getBytes(frame.readerIndex(), b, b.writerIndex(), n);
      b.writerIndex(b.writerIndex() + n);
    } finally {
      frame.release();
    }
    if (!promise.isVoid()) {
      if (promiseCount == promises.length) {
        promises = Arrays.copyOf(promises, Math.max(16, promiseCount * 2));
      }
      promises[promiseCount++] = promise;
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    writePending(ctx);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    writePending(ctx);
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    discardPending(new ClosedChannelException());
  }

  /** Writes the lone first frame or the batch downstream (without flushing). */
  private void writePending(ChannelHandlerContext ctx) {
    ByteBuf f = first;
    ByteBuf b = batch;
    if (f != null) {
      writeDirect(ctx, f, clearFirst());
    } else if (b != null) {
      writeBatch(ctx, b);
    }
  }

  /**
   * Writes a frame downstream as it is if it is all direct memory, else copied part by part into
   * one pooled direct buffer, and the frame released. Netty's socket channels copy a frame with a
   * heap part too, but a composite one by first merging it into a new heap buffer: two copies and
   * a garbage array per frame, where this makes one copy and no garbage. If the copy fails, the
   * frame is released and the write's promise failed.
   */
  private static void writeDirect(ChannelHandlerContext ctx, ByteBuf frame, ChannelPromise promise) {
    if (frame.isDirect()) {
      ctx.write(frame, promise);
      return;
    }
    ByteBuf copy;
    try {
      copy = directCopy(ctx.alloc(), frame);
    } catch (RuntimeException | Error e) {
      promise.tryFailure(e);
      return;
    } finally {
      frame.release();
    }
    ctx.write(copy, promise);
  }

  /** The frame's readable bytes in a new pooled direct buffer; released if the copy fails. */
  private static ByteBuf directCopy(ByteBufAllocator alloc, ByteBuf frame) {
    int n = frame.readableBytes();
    ByteBuf copy = alloc.directBuffer(n, n);
    try {
      frame.getBytes(frame.readerIndex(), copy, 0, n); // part by part, as in copy()
      return copy.writerIndex(n);
    } catch (RuntimeException | Error e) {
      copy.release();
      throw e;
    }
  }

  /** Forgets the lone first frame (the caller holds it) and returns its promise. */
  private ChannelPromise clearFirst() {
    ChannelPromise fp = firstPromise;
    first = null;
    firstPromise = null;
    return Objects.requireNonNull(fp);
  }

  /** Writes the batch downstream; its frames' promises complete with that write. */
  private void writeBatch(ChannelHandlerContext ctx, ByteBuf b) {
    batch = null;
    if (promiseCount == 0) {
      ctx.write(b, ctx.voidPromise());
      return;
    }
    ChannelPromise[] done = Arrays.copyOf(promises, promiseCount);
    Arrays.fill(promises, 0, promiseCount, null);
    promiseCount = 0;
    ctx.write(b).addListener(new PromiseNotifier<Void, ChannelFuture>(done));
  }

  private void discardPending(Throwable cause) {
    ByteBuf f = first;
    if (f != null) {
      ChannelPromise fp = clearFirst();
      f.release();
      fp.tryFailure(cause);
    }
    ByteBuf b = batch;
    if (b != null) {
      batch = null;
      b.release();
      for (int i = 0; i < promiseCount; i++) {
        promises[i].tryFailure(cause);
        promises[i] = null;
      }
      promiseCount = 0;
    }
  }
}
