package io.meshwork.rsocket;

import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.PayloadTooLargeException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.RoutingMetadata;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.util.ByteBufPayload;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Messages to RSocket payloads and back.
 *
 * <p>Outbound: payload bytes are wrapped, not copied; the routing entry of each route is encoded
 * once and cached (up to {@value #MAX_CACHED_ROUTES} routes). Inbound: the data is copied once
 * into a heap array the {@link Message} owns, and the payload is released — every {@code decode}
 * method releases the payload it is given, exactly once, whether it succeeds or throws.
 */
final class MessageCodec {

  static final String ROUTING_MIME = WellKnownMimeType.MESSAGE_RSOCKET_ROUTING.getString();
  static final String COMPOSITE_MIME = WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString();
  static final String HEADERS_MIME = "application/x.meshwork.headers.v0";

  private static final int MAX_CACHED_ROUTES = 1024;

  private static final byte ROUTING_ID = WellKnownMimeType.MESSAGE_RSOCKET_ROUTING.getIdentifier();

  /** A custom-mime composite entry starts with (mime length - 1) and the mime itself. */
  private static final byte[] HEADERS_ENTRY_PREFIX = entryPrefix(HEADERS_MIME);

  private static final ByteBuf HEADERS_MIME_BYTES =
      Unpooled.unreleasableBuffer(
          Unpooled.wrappedBuffer(HEADERS_MIME.getBytes(StandardCharsets.US_ASCII)));

  private final ByteBufAllocator allocator;
  private final Map<String, byte[]> routeEntries = new ConcurrentHashMap<>();

  MessageCodec(ByteBufAllocator allocator) {
    this.allocator = allocator;
  }

  /** The first frame of a request: routing entry, then headers if any. Released by rsocket. */
  Payload request(Message m) {
    byte[] route = routeEntry(m.route());
    ByteBuf data = Unpooled.wrappedBuffer(m.payload());
    if (!hasHeaders(m)) {
      return ByteBufPayload.create(data, Unpooled.wrappedBuffer(route));
    }
    int content = headersContentLength(m);
    // An unpooled heap buffer sized exactly (it may still grow: Netty reserves worst-case room
    // for UTF-8): the pooled direct buffer this used to take cost about 0.1 us per message.
    ByteBuf metadata = Unpooled.buffer(route.length + HEADERS_ENTRY_PREFIX.length + 3 + content);
    metadata.writeBytes(route);
    writeHeadersEntry(metadata, m, content);
    return ByteBufPayload.create(data, metadata);
  }

  /** A later frame of a channel, or a reply: headers only, if any. Released by rsocket. */
  Payload following(Message m, boolean composite) {
    ByteBuf data = Unpooled.wrappedBuffer(m.payload());
    if (!composite || !hasHeaders(m)) {
      return ByteBufPayload.create(data);
    }
    int content = headersContentLength(m);
    ByteBuf metadata = Unpooled.buffer(HEADERS_ENTRY_PREFIX.length + 3 + content);
    writeHeadersEntry(metadata, m, content);
    return ByteBufPayload.create(data, metadata);
  }

  private static boolean hasHeaders(Message m) {
    return m.lamportTime() != 0 || !m.headers().isEmpty();
  }

  /**
   * Decodes the first frame of a request; releases {@code p}.
   *
   * @param composite whether the connection's metadata is composite (else bare routing metadata)
   * @param maxDataSize the receiving node's payload limit, checked before the data is copied
   * @param self the receiving node, for the error message
   * @throws InvalidRequestException if the route is missing or the metadata malformed
   * @throws PayloadTooLargeException if the data exceeds {@code maxDataSize}
   */
  Message decodeRequest(
      Payload p, boolean composite, @Nullable NodeId sender, int maxDataSize, String self) {
    try {
      if (!p.hasMetadata() || p.metadata().readableBytes() == 0) {
        throw new InvalidRequestException(
            "Request carries no metadata; a Meshwork route must be given as "
                + ROUTING_MIME
                + (composite ? " inside " + COMPOSITE_MIME : ""));
      }
      ByteBuf metadata = p.metadata();
      String route = null;
      Map<String, String> headers = Map.of();
      long lamport = 0;
      try {
        if (composite) {
          Entries entries = walk(metadata, true);
          route = entries.route;
          headers = entries.headers;
          lamport = entries.lamport;
        } else {
          route = firstTag(metadata);
        }
      } catch (InvalidRequestException e) {
        throw e;
      } catch (RuntimeException e) { // including a Message.create refusal of bad headers
        throw new InvalidRequestException(
            "Malformed request metadata (" + (composite ? COMPOSITE_MIME : ROUTING_MIME) + "): "
                + e.getMessage());
      }
      if (route == null) {
        throw new InvalidRequestException(
            "Request metadata has no " + ROUTING_MIME + " entry naming the route");
      }
      int size = p.data().readableBytes();
      if (size > maxDataSize) { // refuse before copying
        throw PayloadTooLargeException.of(size, maxDataSize, route, self);
      }
      return Message.create(route, copyData(p), headers, sender, lamport);
    } finally {
      p.release();
    }
  }

  /**
   * Decodes a reply or a later channel frame for a known route; releases {@code p}.
   *
   * @throws InvalidRequestException if the headers entry is malformed
   */
  Message decodeFollowing(Payload p, String route, @Nullable NodeId sender, boolean composite) {
    try {
      Map<String, String> headers = Map.of();
      long lamport = 0;
      if (composite && p.hasMetadata() && p.metadata().readableBytes() > 0) {
        try {
          Entries entries = walk(p.metadata(), false);
          headers = entries.headers;
          lamport = entries.lamport;
        } catch (InvalidRequestException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new InvalidRequestException("Malformed metadata on route '" + route + "': " + e);
        }
      }
      return Message.create(route, copyData(p), headers, sender, lamport);
    } finally {
      p.release();
    }
  }

  /** What {@link #walk} found in composite metadata. */
  private static final class Entries {
    @Nullable String route;
    Map<String, String> headers = Map.of();
    long lamport;
  }

  /**
   * Walks composite metadata in place, comparing mime types as bytes: rsocket's {@code
   * CompositeMetadata} iterator allocates entry objects and a mime-type String per entry, per
   * message. Layout per entry: a byte (well-known id with the high bit set, or custom mime length
   * - 1), the custom mime's bytes, a 3-byte content length, the content.
   *
   * @param wantRoute whether to decode the routing entry (requests), or skip it (replies)
   * @throws InvalidRequestException if an entry overruns the metadata
   */
  private static Entries walk(ByteBuf metadata, boolean wantRoute) {
    Entries found = new Entries();
    int i = metadata.readerIndex();
    int end = metadata.writerIndex();
    while (i < end) {
      byte head = metadata.getByte(i++);
      boolean routing = false;
      boolean headers = false;
      if ((head & 0x80) != 0) {
        routing = (head & 0x7F) == ROUTING_ID;
      } else {
        int mimeLength = (head & 0x7F) + 1;
        require(i + mimeLength <= end, "a mime type overruns the metadata");
        headers = sameBytes(metadata, i, mimeLength, HEADERS_ENTRY_PREFIX);
        i += mimeLength;
      }
      require(i + 3 <= end, "an entry length overruns the metadata");
      int length = metadata.getUnsignedMedium(i);
      i += 3;
      require(i + length <= end, "an entry overruns the metadata");
      if (routing && wantRoute) {
        found.route = firstTag(metadata.slice(i, length));
      } else if (headers) {
        require(length >= 8, "the headers entry is shorter than its 8-byte Lamport time");
        found.lamport = metadata.getLong(i);
        if (length > 8) {
          found.headers = readHeaders(metadata.slice(i, length));
        }
      }
      i += length;
    }
    return found;
  }

  /**
   * Whether {@code length} bytes at {@code at} are our headers mime. Compared word by word
   * ({@code ByteBufUtil.equals}): byte by byte, each access of a derived buffer pays a bounds and
   * reference-count check, which made this the top frame of a server's profile.
   */
  private static boolean sameBytes(ByteBuf buf, int at, int length, byte[] prefix) {
    return length == HEADERS_MIME_BYTES.readableBytes()
        && ByteBufUtil.equals(buf, at, HEADERS_MIME_BYTES, 0, length);
  }

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new InvalidRequestException("Malformed composite metadata: " + problem);
    }
  }

  private byte[] routeEntry(String route) {
    byte[] cached = routeEntries.get(route);
    if (cached != null) {
      return cached;
    }
    byte[] entry = encodeRouteEntry(route);
    if (routeEntries.size() < MAX_CACHED_ROUTES) {
      routeEntries.putIfAbsent(route, entry);
    }
    return entry;
  }

  private static byte[] entryPrefix(String mime) {
    byte[] ascii = mime.getBytes(StandardCharsets.US_ASCII);
    byte[] prefix = new byte[1 + ascii.length];
    prefix[0] = (byte) (ascii.length - 1);
    System.arraycopy(ascii, 0, prefix, 1, ascii.length);
    return prefix;
  }

  private static byte[] encodeRouteEntry(String route) {
    ByteBufAllocator heap = ByteBufAllocator.DEFAULT;
    CompositeByteBuf entry = heap.compositeBuffer();
    try {
      CompositeMetadataCodec.encodeAndAddMetadata(
          entry,
          heap,
          WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
          TaggingMetadataCodec.createTaggingContent(heap, List.of(route)));
      byte[] bytes = new byte[entry.readableBytes()];
      entry.getBytes(entry.readerIndex(), bytes);
      return bytes;
    } finally {
      entry.release();
    }
  }

  /**
   * Writes the headers entry, one composite-metadata entry of mime type {@value #HEADERS_MIME}
   * (RSocket's layout: mime length - 1, the mime, a 3-byte content length, the content), straight
   * into {@code out}: no intermediate buffer. The content is the Lamport time (8 bytes), then per
   * header a 2-byte length and UTF-8 name, a 2-byte length and UTF-8 value. {@link Message} keeps
   * headers within {@link Message#MAX_HEADERS_SIZE}, so every length fits.
   */
  private static void writeHeadersEntry(ByteBuf out, Message m, int contentLength) {
    out.writeBytes(HEADERS_ENTRY_PREFIX);
    out.writeMedium(contentLength);
    out.writeLong(m.lamportTime());
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      writeString(out, h.getKey());
      writeString(out, h.getValue());
    }
  }

  private static int headersContentLength(Message m) {
    int length = 8;
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      length += 4 + ByteBufUtil.utf8Bytes(h.getKey()) + ByteBufUtil.utf8Bytes(h.getValue());
    }
    return length;
  }

  private static void writeString(ByteBuf out, String s) {
    out.writeShort(ByteBufUtil.utf8Bytes(s));
    out.writeCharSequence(s, StandardCharsets.UTF_8);
  }

  /** Reads a headers entry; its size is checked first, so a peer cannot make it expand. */
  private static Map<String, String> readHeaders(ByteBuf content) {
    if (content.readableBytes() < 8) {
      throw new InvalidRequestException("Headers entry is shorter than its 8-byte Lamport time");
    }
    // Each header costs 4 bytes of lengths on top of its text.
    if (content.readableBytes() - 8 > Message.MAX_HEADERS_SIZE * 2) {
      throw new InvalidRequestException(
          "Headers entry of " + content.readableBytes() + " bytes exceeds the header limit");
    }
    ByteBuf in = content.duplicate();
    in.skipBytes(8);
    if (!in.isReadable()) {
      return Map.of();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int textBytes = 0;
    while (in.isReadable()) {
      textBytes += in.getUnsignedShort(in.readerIndex());
      String name = readString(in);
      if (name.isEmpty()) {
        throw new InvalidRequestException("A header has an empty name");
      }
      textBytes += in.getUnsignedShort(in.readerIndex());
      headers.put(name, readString(in));
    }
    if (textBytes > Message.MAX_HEADERS_SIZE) { // as Message.create would refuse
      throw new InvalidRequestException(
          "Headers take " + textBytes + " bytes, more than the " + Message.MAX_HEADERS_SIZE + "-byte limit");
    }
    return headers;
  }

  private static String readString(ByteBuf in) {
    int length = in.readUnsignedShort();
    String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return s;
  }

  private static String firstTag(ByteBuf routing) {
    Iterator<String> tags = new RoutingMetadata(routing).iterator();
    if (!tags.hasNext()) {
      throw new InvalidRequestException("Routing metadata names no route");
    }
    String route = tags.next();
    if (route.isEmpty()) {
      throw new InvalidRequestException("Routing metadata names an empty route");
    }
    return route;
  }

  private static ByteBuffer copyData(Payload p) {
    ByteBuf data = p.data();
    byte[] bytes = new byte[data.readableBytes()];
    data.getBytes(data.readerIndex(), bytes);
    return ByteBuffer.wrap(bytes);
  }
}
