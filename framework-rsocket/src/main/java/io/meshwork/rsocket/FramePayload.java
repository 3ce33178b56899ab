package io.meshwork.rsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.IllegalReferenceCountException;
import io.rsocket.Payload;
import org.jspecify.annotations.Nullable;

/**
 * An inbound frame's payload as two views of the frame, holding one reference to the frame
 * itself: what {@link FramePayloadDecoder} hands rsocket-java. Releasing the payload releases
 * that reference.
 *
 * <p>rsocket-java's {@code ByteBufPayload} (what its zero-copy decoder makes) retains its data
 * and its metadata separately, and releases both: four atomic updates of the count of the buffer
 * the frame was read into, where this takes two. The views are not retained; they are valid
 * while this payload is.
 */
final class FramePayload extends AbstractReferenceCounted implements Payload {

  private final ByteBuf frame;
  private final ByteBuf data;
  private final @Nullable ByteBuf metadata;

  /**
   * @param frame the frame, retained once for this payload (released when the payload is)
   * @param data a view of the frame's data
   * @param metadata a view of the frame's metadata, {@code null} if the frame has none
   */
  FramePayload(ByteBuf frame, ByteBuf data, @Nullable ByteBuf metadata) {
    this.frame = frame;
    this.data = data;
    this.metadata = metadata;
  }

  @Override
  public boolean hasMetadata() {
    ensureAccessible();
    return metadata != null;
  }

  @Override
  public ByteBuf sliceMetadata() {
    return metadata().slice();
  }

  @Override
  public ByteBuf sliceData() {
    return data().slice();
  }

  @Override
  public ByteBuf data() {
    ensureAccessible();
    return data;
  }

  @Override
  public ByteBuf metadata() {
    ensureAccessible();
    ByteBuf m = metadata;
    return m == null ? Unpooled.EMPTY_BUFFER : m;
  }

  @Override
  public FramePayload retain() {
    super.retain();
    return this;
  }

  @Override
  public FramePayload retain(int increment) {
    super.retain(increment);
    return this;
  }

  @Override
  public FramePayload touch() {
    frame.touch();
    return this;
  }

  @Override
  public FramePayload touch(Object hint) {
    frame.touch(hint);
    return this;
  }

  @Override
  protected void deallocate() {
    frame.release();
  }

  private void ensureAccessible() {
    if (refCnt() == 0) {
      throw new IllegalReferenceCountException(0);
    }
  }
}
