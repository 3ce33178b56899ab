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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Messages to RSocket payloads and back.
 *
 * <p>Outbound: the routing entry of each route is encoded once and cached (up to {@value
 * #MAX_CACHED_ROUTES} routes); on coalesced connections the payload is wrapped, to be copied once
 * by the {@link FrameCoalescer}, and without coalescing it is copied once, with the frame's
 * metadata, into one pooled direct buffer. Inbound: the data is copied
 * once into a heap array the {@link Message} owns, and the payload is released — every {@code decode} method
 * releases the payload it is given, exactly once, whether it succeeds or throws.
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

  /** A headers entry with no headers: its prefix, then the 8-byte Lamport time. */
  private static final byte[] LAMPORT_ONLY_PREFIX_BYTES = lamportOnlyPrefix();

  private static final int LAMPORT_ONLY_LENGTH = HEADERS_ENTRY_PREFIX.length + 3 + 8;

  private final ByteBufAllocator allocator;
  private final Map<String, RouteEntry> routeEntries = new ConcurrentHashMap<>();

  private static final int ROUTE_SLOTS = 64;

  /**
   * Whether outgoing frames wrap the payload instead of copying it: when the connection's {@link
   * FrameCoalescer} is there to copy it once on write.
   */
  private final boolean wrap;

  /** Recently decoded routes (see {@link #routeAt}); racy writes of immutable entries are fine. */
  private final @Nullable DecodedRoute[] decodedRoutes = new DecodedRoute[ROUTE_SLOTS];

  /**
   * A codec for the connections of one binding.
   *
   * @param allocator the frames' allocator
   * @param coalesced whether the connections write through a {@link FrameCoalescer}, which copies
   *     a frame with a heap part into direct memory part by part; without it Netty would first
   *     merge such a frame into a heap buffer, so large payloads are then copied here instead
   */
  MessageCodec(ByteBufAllocator allocator, boolean coalesced) {
    this.allocator = allocator;
    this.wrap = coalesced;
  }

  /** The first frame of a request: routing entry, then headers if any. Released by rsocket. */
  Payload request(Message m) {
    return request(m, m.lamportTime());
  }

  /**
   * The first frame of a request sent at {@code lamportTime}, which replaces the message's own:
   * what a node sends, without making a stamped copy of the message first. Released by rsocket.
   */
  Payload request(Message m, long lamportTime) {
    RouteEntry route = routeEntry(m.route());
    if (m.headers().isEmpty()) { // the usual case: the cached entry, and the Lamport time if any
      return lamportTime == 0
          ? frame(m, route.routing, false, 0)
          : frame(m, route.thenLamport, true, lamportTime);
    }
    int content = headersContentLength(m);
    // An unpooled heap buffer sized exactly (it may still grow: Netty reserves worst-case room
    // for UTF-8): the pooled direct buffer this used to take cost about 0.1 us per message.
    ByteBuf metadata =
        Unpooled.buffer(route.routing.length + HEADERS_ENTRY_PREFIX.length + 3 + content);
    metadata.writeBytes(route.routing);
    writeHeadersEntry(metadata, m, lamportTime, content);
    return ByteBufPayload.create(wrapped(m), metadata);
  }

  /** A later frame of a channel, or a reply: headers only, if any. Released by rsocket. */
  Payload following(Message m, boolean composite) {
    if (!composite || !hasHeaders(m)) {
      return dataOnly(m);
    }
    if (m.headers().isEmpty()) {
      return frame(m, LAMPORT_ONLY_PREFIX_BYTES, true, m.lamportTime());
    }
    int content = headersContentLength(m);
    ByteBuf metadata = Unpooled.buffer(HEADERS_ENTRY_PREFIX.length + 3 + content);
    writeHeadersEntry(metadata, m, m.lamportTime(), content);
    return ByteBufPayload.create(wrapped(m), metadata);
  }

  /**
   * A frame whose metadata is {@code prefix} (a cached routing entry, or ending in the prefix of a
   * headers entry with only a Lamport time), then the Lamport time if {@code timed}.
   *
   * <p>On coalesced connections the payload is wrapped, not copied, behind a small heap metadata
   * buffer: the one copy is then the coalescer's (into its batch, or a direct buffer of the
   * frame's own), where a direct frame would be copied twice, once here and once into the batch,
   * and cost an allocator call besides. Measured at 16 B (session 12): fire-and-forget from 0.86
   * to 0.95 of raw RSocket's throughput, client CPU per message 1.25 to 1.06 us.
   *
   * <p>Without coalescing, metadata and data are written into one pooled direct buffer: the data
   * is the buffer itself, read from after the metadata, and the metadata a retained slice of it,
   * so each holds one of its two references. One allocator call, one release and one view per
   * frame. Netty would copy a frame with any heap part whole on write, so there wrapping saves
   * nothing: measured at 16 B before write coalescing, one buffer took throughput from 0.85 to
   * 0.96 and 0.88 to 0.99 of raw RSocket's.
   */
  private Payload frame(Message m, byte[] prefix, boolean timed, long lamportTime) {
    int meta = prefix.length + (timed ? 8 : 0);
    if (wrap) {
      ByteBuf metadata = Unpooled.wrappedBuffer(new byte[meta]).writerIndex(0);
      metadata.writeBytes(prefix);
      if (timed) {
        metadata.writeLong(lamportTime);
      }
      return ByteBufPayload.create(wrapped(m), metadata);
    }
    int size = meta + m.payloadSize();
    ByteBuf both = allocator.directBuffer(size, size);
    try {
      both.writeBytes(prefix);
      if (timed) {
        both.writeLong(lamportTime);
      }
      writePayload(both, m);
      ByteBuf metadata = both.retainedSlice(0, meta); // the second reference
      return ByteBufPayload.create(both.readerIndex(meta), metadata); // data: the rest, no view
    } catch (RuntimeException | Error e) {
      both.release(); // the one reference taken so far (a failed slice takes none)
      throw e;
    }
  }

  /**
   * A frame without metadata: the payload wrapped on coalesced connections, else copied into one
   * pooled direct buffer (see {@link #frame}).
   */
  private Payload dataOnly(Message m) {
    if (wrap) {
      return ByteBufPayload.create(wrapped(m));
    }
    int size = m.payloadSize();
    ByteBuf data = allocator.directBuffer(size, size);
    try {
      writePayload(data, m);
      return ByteBufPayload.create(data);
    } catch (RuntimeException | Error e) {
      data.release();
      throw e;
    }
  }

  private static void writePayload(ByteBuf to, Message m) {
    byte[] array = m.payloadArray();
    if (array != null) {
      to.writeBytes(array);
    } else {
      to.writeBytes(m.payload());
    }
  }

  /**
   * The payload wrapped, not copied: its array as it is, else a read-only view. For frames with
   * headers, which carry a heap metadata buffer and so are copied whole on write anyway, and for
   * every frame of a coalesced connection.
   */
  private static ByteBuf wrapped(Message m) {
    byte[] array = m.payloadArray();
    return array != null ? Unpooled.wrappedBuffer(array) : Unpooled.wrappedBuffer(m.payload());
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
        MetadataCopy copy = composite ? MetadataCopy.of(metadata) : null;
        String usual = copy == null ? null : routeBeforeLamport(copy);
        if (copy != null && usual != null) { // what every request without headers carries
          route = usual;
          lamport = copy.longAt(copy.length - 8);
        } else if (composite) {
          Entries entries = walk(metadata, this);
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
        MetadataCopy copy = MetadataCopy.of(p.metadata());
        if (copy != null && isLamportOnly(copy)) { // what every reply without headers carries
          return Message.create(route, copyData(p), Map.of(), sender, copy.longAt(copy.length - 8));
        }
        try {
          Entries entries = walk(p.metadata(), null);
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

  /**
   * Whether the metadata is exactly one headers entry holding only the Lamport time: the mime
   * prefix, a 3-byte length of 8, and the time. No entry objects.
   */
  private static boolean isLamportOnly(MetadataCopy metadata) {
    return metadata.length == LAMPORT_ONLY_LENGTH
        && metadata.startsWith(0, LAMPORT_ONLY_PREFIX_BYTES);
  }

  /**
   * The route of a request's metadata if it has the usual shape, a routing entry and then one
   * headers entry holding only the Lamport time (the last 8 bytes); else {@code null}, and {@link
   * #walk} reads it entry by entry (with the same outcome for this shape).
   */
  private @Nullable String routeBeforeLamport(MetadataCopy metadata) {
    if (metadata.length < 4 + 2 + LAMPORT_ONLY_LENGTH
        || metadata.bytes[0] != (byte) (0x80 | ROUTING_ID)) {
      return null;
    }
    int entry = metadata.medium(1);
    int tag = metadata.unsignedByte(4);
    if (4 + entry + LAMPORT_ONLY_LENGTH != metadata.length
        || tag == 0
        || 1 + tag > entry
        || !metadata.startsWith(4 + entry, LAMPORT_ONLY_PREFIX_BYTES)) {
      return null;
    }
    return routeIn(metadata.bytes, 5, tag);
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
   * @param routes where to decode the routing entry's route (requests), or {@code null} to skip
   *     it (replies)
   * @throws InvalidRequestException if an entry overruns the metadata
   */
  private static Entries walk(ByteBuf metadata, @Nullable MessageCodec routes) {
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
      if (routing && routes != null) {
        found.route = routes.routeAt(metadata, i, length);
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

  /**
   * The first tag of the routing entry at {@code at}: the route. A route seen lately comes from a
   * small cache, compared as bytes, so a request costs no String, no slice and no tag iterator.
   * The cache is direct-mapped and bounded; a miss decodes and replaces one slot.
   */
  private String routeAt(ByteBuf metadata, int at, int length) {
    if (length == 0) {
      throw new InvalidRequestException("Routing metadata names no route");
    }
    int tag = metadata.getUnsignedByte(at);
    if (tag == 0) {
      throw new InvalidRequestException("Routing metadata names an empty route");
    }
    require(1 + tag <= length, "a route tag overruns its routing entry");
    int from = at + 1;
    DecodedRoute known = decodedRoutes[slot(tag, metadata.getByte(from), metadata.getByte(from + tag - 1))];
    if (known != null
        && known.bytes.length == tag
        && ByteBufUtil.equals(metadata, from, known.wrapped, 0, tag)) {
      return known.route;
    }
    byte[] bytes = new byte[tag];
    metadata.getBytes(from, bytes);
    return decoded(bytes);
  }

  /** {@link #routeAt} for a tag of {@code tag} bytes at {@code from} in an array. */
  private String routeIn(byte[] metadata, int from, int tag) {
    DecodedRoute known = decodedRoutes[slot(tag, metadata[from], metadata[from + tag - 1])];
    if (known != null
        && known.bytes.length == tag
        && Arrays.equals(metadata, from, from + tag, known.bytes, 0, tag)) {
      return known.route;
    }
    return decoded(Arrays.copyOfRange(metadata, from, from + tag));
  }

  private static int slot(int tag, byte first, byte last) {
    return (tag * 31 + first * 7 + last) & (ROUTE_SLOTS - 1);
  }

  /** Decodes a route that missed the cache, and caches it. */
  private String decoded(byte[] bytes) {
    String route = new String(bytes, StandardCharsets.UTF_8);
    decodedRoutes[slot(bytes.length, bytes[0], bytes[bytes.length - 1])] =
        new DecodedRoute(bytes, Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes)), route);
    return route;
  }

  /** A route and its UTF-8 bytes, as a routing tag carries it, also wrapped. Immutable. */
  private record DecodedRoute(byte[] bytes, ByteBuf wrapped, String route) {}

  private static void require(boolean condition, String problem) {
    if (!condition) {
      throw new InvalidRequestException("Malformed composite metadata: " + problem);
    }
  }

  private RouteEntry routeEntry(String route) {
    RouteEntry cached = routeEntries.get(route);
    if (cached != null) {
      return cached;
    }
    byte[] routing = encodeRouteEntry(route);
    byte[] thenLamport = Arrays.copyOf(routing, routing.length + LAMPORT_ONLY_PREFIX_BYTES.length);
    System.arraycopy(
        LAMPORT_ONLY_PREFIX_BYTES, 0, thenLamport, routing.length, LAMPORT_ONLY_PREFIX_BYTES.length);
    RouteEntry entry = new RouteEntry(routing, thenLamport);
    if (routeEntries.size() < MAX_CACHED_ROUTES) {
      routeEntries.putIfAbsent(route, entry);
    }
    return entry;
  }

  /**
   * A route's encoded routing entry, alone and followed by the prefix of a headers entry that
   * holds only the Lamport time. Never modified: wrapped, not copied, into outgoing metadata.
   */
  private record RouteEntry(byte[] routing, byte[] thenLamport) {}

  private static byte[] lamportOnlyPrefix() {
    byte[] prefix = new byte[HEADERS_ENTRY_PREFIX.length + 3];
    System.arraycopy(HEADERS_ENTRY_PREFIX, 0, prefix, 0, HEADERS_ENTRY_PREFIX.length);
    prefix[prefix.length - 1] = 8; // the 3-byte content length
    return prefix;
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
  private static void writeHeadersEntry(
      ByteBuf out, Message m, long lamportTime, int contentLength) {
    out.writeBytes(HEADERS_ENTRY_PREFIX);
    out.writeMedium(contentLength);
    out.writeLong(lamportTime);
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

  /** The data copied into an array that the message will own (no further view is made). */
  private static byte[] copyData(Payload p) {
    ByteBuf data = p.data();
    byte[] bytes = new byte[data.readableBytes()];
    data.getBytes(data.readerIndex(), bytes);
    return bytes;
  }
}
