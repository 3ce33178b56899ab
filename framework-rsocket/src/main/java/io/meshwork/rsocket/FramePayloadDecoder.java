package io.meshwork.rsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.frame.FrameHeaderCodec;
import io.rsocket.frame.FrameType;
import io.rsocket.frame.MetadataPushFrameCodec;
import io.rsocket.frame.PayloadFrameCodec;
import io.rsocket.frame.RequestChannelFrameCodec;
import io.rsocket.frame.RequestFireAndForgetFrameCodec;
import io.rsocket.frame.RequestResponseFrameCodec;
import io.rsocket.frame.RequestStreamFrameCodec;
import io.rsocket.frame.decoder.PayloadDecoder;

/**
 * Decodes each inbound frame that carries a payload into a {@link FramePayload}: views of the
 * frame, no bytes copied, one reference taken. The decoder of both ends of every Meshwork
 * connection, in place of rsocket-java's {@code PayloadDecoder.ZERO_COPY}, which takes two (one
 * for the data, one for the metadata) and recycles a pooled payload object per frame; each
 * reference taken or given back is an atomic update of the count of the buffer that the frame was
 * read into, shared by every frame of that read.
 *
 * <p>Like rsocket-java's decoders it does not release the frame: the caller does.
 */
final class FramePayloadDecoder implements PayloadDecoder {

  /** The one instance; it holds no state. */
  static final FramePayloadDecoder INSTANCE = new FramePayloadDecoder();

  private FramePayloadDecoder() {}

  @Override
  public Payload apply(ByteBuf frame) {
    FrameType type = FrameHeaderCodec.frameType(frame);
    ByteBuf data;
    ByteBuf metadata;
    switch (type) {
      case REQUEST_FNF:
        data = RequestFireAndForgetFrameCodec.data(frame);
        metadata = RequestFireAndForgetFrameCodec.metadata(frame);
        break;
      case REQUEST_RESPONSE:
        data = RequestResponseFrameCodec.data(frame);
        metadata = RequestResponseFrameCodec.metadata(frame);
        break;
      case REQUEST_STREAM:
        data = RequestStreamFrameCodec.data(frame);
        metadata = RequestStreamFrameCodec.metadata(frame);
        break;
      case REQUEST_CHANNEL:
        data = RequestChannelFrameCodec.data(frame);
        metadata = RequestChannelFrameCodec.metadata(frame);
        break;
      case NEXT:
      case NEXT_COMPLETE:
        data = PayloadFrameCodec.data(frame);
        metadata = PayloadFrameCodec.metadata(frame);
        break;
      case METADATA_PUSH:
        data = Unpooled.EMPTY_BUFFER;
        metadata = MetadataPushFrameCodec.metadata(frame);
        break;
      default:
        throw new IllegalArgumentException("Frame type " + type + " carries no payload");
    }
    return new FramePayload(frame.retain(), data, metadata);
  }
}
