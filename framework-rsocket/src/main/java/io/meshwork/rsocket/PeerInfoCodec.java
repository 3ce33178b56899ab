package io.meshwork.rsocket;

import io.meshwork.Address;
import io.meshwork.NodeId;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.transport.PeerInfo;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.metadata.CompositeMetadata;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.util.ByteBufPayload;
import io.rsocket.util.DefaultPayload;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A node's identity on the wire, in one composite-metadata entry ({@value #PEER_MIME}): version
 * byte, id, host, port and inbound payload limit. Sent in the SETUP frame by the dialling node and
 * in a METADATA_PUSH by the accepting one.
 */
final class PeerInfoCodec {

  static final String PEER_MIME = "application/x.meshwork.peer.v0";

  private static final byte VERSION = 1;

  private PeerInfoCodec() {}

  /** The SETUP payload of a dialling node; an unpooled heap payload, nothing to release. */
  static Payload setupPayload(PeerInfo self) {
    return setupPayload(self, null);
  }

  /**
   * The SETUP payload of a dialling node, with a cluster key proof ({@link ClusterKey}) if {@code
   * auth} is not null; an unpooled heap payload, nothing to release.
   */
  static Payload setupPayload(PeerInfo self, byte @Nullable [] auth) {
    ByteBuf metadata = encode(ByteBufAllocator.DEFAULT, self, auth);
    try {
      byte[] bytes = new byte[metadata.readableBytes()];
      metadata.getBytes(metadata.readerIndex(), bytes);
      return DefaultPayload.create(new byte[0], bytes);
    } finally {
      metadata.release();
    }
  }

  /** The METADATA_PUSH an accepting node answers with; released by rsocket once written. */
  static Payload helloPayload(ByteBufAllocator allocator, PeerInfo self) {
    return helloPayload(allocator, self, null);
  }

  /** The hello, with a cluster key proof if {@code auth} is not null; released by rsocket. */
  static Payload helloPayload(ByteBufAllocator allocator, PeerInfo self, byte @Nullable [] auth) {
    return ByteBufPayload.create(allocator.buffer(0, 0), encode(allocator, self, auth));
  }

  /** The peer entry's content: what a cluster key proof signs. */
  static byte[] content(PeerInfo self) {
    ByteBuf content = Unpooled.buffer();
    try {
      writeContent(content, self);
      byte[] bytes = new byte[content.readableBytes()];
      content.readBytes(bytes);
      return bytes;
    } finally {
      content.release();
    }
  }

  private static ByteBuf encode(ByteBufAllocator allocator, PeerInfo self, byte @Nullable [] auth) {
    ByteBuf content = allocator.buffer();
    writeContent(content, self);
    CompositeByteBuf metadata = allocator.compositeBuffer();
    CompositeMetadataCodec.encodeAndAddMetadata(metadata, allocator, PEER_MIME, content);
    if (auth != null) {
      CompositeMetadataCodec.encodeAndAddMetadata(
          metadata, allocator, ClusterKey.AUTH_MIME, Unpooled.wrappedBuffer(auth));
    }
    return metadata;
  }

  private static void writeContent(ByteBuf content, PeerInfo self) {
    content.writeByte(VERSION);
    writeString(content, self.id().value());
    writeString(content, self.address().host());
    content.writeInt(self.address().port());
    content.writeInt(self.maxInboundPayloadSize());
  }

  /**
   * Reads the peer entry from composite metadata; does not release it.
   *
   * @return the peer, or {@code null} if the metadata holds no peer entry (a plain RSocket client)
   * @throws InvalidRequestException if the entry is present but malformed
   */
  static @Nullable PeerInfo decode(ByteBuf compositeMetadata) {
    try {
      for (CompositeMetadata.Entry e : new CompositeMetadata(compositeMetadata, false)) {
        if (PEER_MIME.equals(e.getMimeType())) {
          ByteBuf in = e.getContent().duplicate();
          byte version = in.readByte();
          if (version != VERSION) {
            throw new InvalidRequestException(
                "Unsupported Meshwork peer entry version " + version + ", this node speaks " + VERSION);
          }
          NodeId id = NodeId.of(readString(in));
          String host = readString(in);
          int port = in.readInt();
          int limit = in.readInt();
          return new PeerInfo(id, Address.of(host, port), limit);
        }
      }
      return null;
    } catch (InvalidRequestException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InvalidRequestException("Malformed Meshwork peer entry: " + e.getMessage());
    }
  }

  private static void writeString(ByteBuf out, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeShort(bytes.length);
    out.writeBytes(bytes);
  }

  private static String readString(ByteBuf in) {
    int length = in.readUnsignedShort();
    String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return s;
  }
}
