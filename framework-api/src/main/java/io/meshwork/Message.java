package io.meshwork;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One message: the route it is addressed to, its payload bytes, string headers, and — on a
 * message that arrived from another node — who sent it and at which Lamport time.
 *
 * <pre>{@code
 * Message hi = Message.of("echo", "hi").withHeader("trace", "t-1");
 * Message answer = hi.reply("hi back");
 * Order order = answer.decode(orderCodec);
 * }</pre>
 *
 * <p>Immutable and thread-safe. The payload is held as an array the message owns (when it was
 * made from an array or a string, or received by a transport) or else as a read-only {@link
 * ByteBuffer}; {@link #payload()} hands out independent read-only views of it without copying. A
 * message never holds a pooled or reference-counted buffer, so it never needs releasing:
 * transports copy inbound bytes out of their frames once, before they release the frame.
 */
public final class Message {

  /** The longest route, in UTF-8 bytes: the limit of one RSocket routing tag. */
  public static final int MAX_ROUTE_LENGTH = 255;

  /**
   * The most header bytes one message may carry: the UTF-8 bytes of every name and value added
   * up. Keeps a message's metadata small beside its payload.
   */
  public static final int MAX_HEADERS_SIZE = 16 * 1024;

  private static final byte[] EMPTY = new byte[0];

  private final String route;
  /** The payload when it is this whole array, owned by the message (and its copies); else null. */
  private final byte @Nullable [] array;
  /** The payload as a read-only buffer, when it is not held as {@link #array}. */
  private final @Nullable ByteBuffer buffer;
  private final Map<String, String> headers;
  private final @Nullable NodeId sender;
  private final long lamportTime;
  /**
   * The last view {@link #payload()} made of {@link #array}, so that {@link #reply(ByteBuffer)}
   * given that view keeps the array: a cache, like {@code String}'s hash, that is written racily
   * and only ever compared by identity (a view another thread's call replaced is simply missed).
   */
  private @Nullable ByteBuffer lastView;

  private Message(
      String route,
      byte @Nullable [] array,
      @Nullable ByteBuffer buffer,
      Map<String, String> headers,
      @Nullable NodeId sender,
      long lamportTime) {
    this.route = route;
    this.array = array;
    this.buffer = buffer;
    this.headers = headers;
    this.sender = sender;
    this.lamportTime = lamportTime;
  }

  /**
   * A message with an empty payload.
   *
   * @param route the route to call
   * @return the message
   */
  public static Message of(String route) {
    return new Message(checkRoute(route), EMPTY, null, Map.of(), null, 0L);
  }

  /**
   * A message whose payload is the UTF-8 encoding of {@code text}.
   *
   * @param route the route to call
   * @param text the payload text
   * @return the message
   */
  public static Message of(String route, String text) {
    return new Message(
        checkRoute(route), text.getBytes(StandardCharsets.UTF_8), null, Map.of(), null, 0L);
  }

  /**
   * A message whose payload is a copy of {@code bytes}.
   *
   * @param route the route to call
   * @param bytes the payload; copied, so the caller may reuse the array
   * @return the message
   */
  public static Message of(String route, byte[] bytes) {
    return new Message(checkRoute(route), bytes.clone(), null, Map.of(), null, 0L);
  }

  /**
   * A message whose payload is the bytes between the buffer's position and limit, without copying.
   * Ownership passes to the message: the caller must not modify those bytes afterwards.
   *
   * @param route the route to call
   * @param bytes the payload
   * @return the message
   */
  public static Message of(String route, ByteBuffer bytes) {
    return new Message(checkRoute(route), null, readOnlyView(bytes), Map.of(), null, 0L);
  }

  /**
   * A message whose payload is {@code value} encoded by {@code codec}.
   *
   * @param route the route to call
   * @param value the value
   * @param codec how to encode it
   * @param <T> the value type
   * @return the message
   */
  public static <T> Message of(String route, T value, Codec<T> codec) {
    return of(route, codec.encode(value));
  }

  /**
   * Every field at once; this is what transports use to hand over a message they received.
   *
   * @param route the route
   * @param payload the payload bytes between position and limit; ownership passes to the message
   * @param headers the headers (copied)
   * @param sender the node that sent it, or {@code null} if unknown (a plain RSocket client)
   * @param lamportTime the sender's Lamport time, 0 if it carried none
   * @return the message
   */
  public static Message create(
      String route,
      ByteBuffer payload,
      Map<String, String> headers,
      @Nullable NodeId sender,
      long lamportTime) {
    return new Message(
        checkRoute(route), null, readOnlyView(payload), copyHeaders(headers), sender, lamportTime);
  }

  /**
   * Every field at once, taking the payload array as it is: what a transport uses for bytes it has
   * just copied out of a frame into an array no one else holds. Unlike {@link #create(String,
   * ByteBuffer, Map, NodeId, long)} it makes no further view of the bytes.
   *
   * @param route the route
   * @param payload the whole array is the payload; ownership passes to the message, so the caller
   *     must neither keep nor modify it
   * @param headers the headers (copied)
   * @param sender the node that sent it, or {@code null} if unknown (a plain RSocket client)
   * @param lamportTime the sender's Lamport time, 0 if it carried none
   * @return the message
   */
  public static Message create(
      String route,
      byte[] payload,
      Map<String, String> headers,
      @Nullable NodeId sender,
      long lamportTime) {
    return new Message(
        checkRoute(route),
        Objects.requireNonNull(payload, "payload"),
        null,
        copyHeaders(headers),
        sender,
        lamportTime);
  }

  /**
   * The route this message is addressed to (for a reply: the route that was called).
   *
   * @return the route
   */
  public String route() {
    return route;
  }

  /**
   * A read-only view of the payload, positioned at its start; each call returns an independent
   * view, no bytes are copied.
   *
   * @return the payload
   */
  public ByteBuffer payload() {
    byte[] a = array;
    if (a == null) {
      return buffer().duplicate();
    }
    ByteBuffer view = ByteBuffer.wrap(a).asReadOnlyBuffer();
    lastView = view;
    return view;
  }

  /**
   * For transports: the array that is the whole payload, to write without a copy or a view, if
   * the message holds its payload that way; else {@code null} (use {@link #payload()}). The
   * message owns the array and may share it with other messages: never modify it.
   *
   * @return the payload array, or {@code null}
   */
  public byte @Nullable [] payloadArray() {
    return array;
  }

  private ByteBuffer buffer() {
    return Objects.requireNonNull(buffer); // set whenever array is not
  }

  /**
   * The payload's size.
   *
   * @return the number of payload bytes
   */
  public int payloadSize() {
    byte[] a = array;
    return a != null ? a.length : buffer().remaining();
  }

  /**
   * A copy of the payload bytes.
   *
   * @return a new array
   */
  public byte[] payloadBytes() {
    byte[] a = array;
    if (a != null) {
      return a.clone();
    }
    ByteBuffer b = buffer();
    byte[] copy = new byte[b.remaining()];
    b.duplicate().get(copy);
    return copy;
  }

  /**
   * The payload decoded as UTF-8; malformed bytes become U+FFFD (use {@code
   * decode(Codecs.utf8())} to reject them).
   *
   * @return the text
   */
  public String payloadAsString() {
    byte[] a = array;
    return a != null
        ? new String(a, StandardCharsets.UTF_8)
        : StandardCharsets.UTF_8.decode(buffer().duplicate()).toString();
  }

  /**
   * The payload decoded by a codec.
   *
   * @param codec how to decode
   * @param <T> the value type
   * @return the value
   */
  public <T> T decode(Codec<T> codec) {
    return codec.decode(payload());
  }

  /**
   * The headers, in the order they were added; never {@code null}.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * One header.
   *
   * @param name the header name
   * @return its value, or {@code null} if absent
   */
  public @Nullable String header(String name) {
    return headers.get(Objects.requireNonNull(name, "name"));
  }

  /**
   * The node that sent this message, as it identified itself at connection set-up. Not
   * authenticated: until credentials are configured, a peer can claim any id.
   *
   * @return the sender, or {@code null} for a message created locally or sent by a plain RSocket
   *     client
   */
  public @Nullable NodeId sender() {
    return sender;
  }

  /**
   * The sender's Lamport time when it sent this message.
   *
   * @return the time, 0 if the message carried none
   */
  public long lamportTime() {
    return lamportTime;
  }

  /**
   * This message with one more header (or one replaced).
   *
   * @param name the header name, not empty
   * @param value the header value
   * @return a new message
   */
  public Message withHeader(String name, String value) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Header name must not be empty");
    }
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, Objects.requireNonNull(value, "value"));
    return new Message(route, array, buffer, copyHeaders(copy), sender, lamportTime);
  }

  /**
   * This message's content with sender and Lamport time set; what a transport or node uses to
   * stamp a message.
   *
   * @param sender the sender
   * @param lamportTime the sender's Lamport time
   * @return a new message sharing this one's payload
   */
  public Message stamped(@Nullable NodeId sender, long lamportTime) {
    return new Message(route, array, buffer, headers, sender, lamportTime);
  }

  /**
   * A reply on the same route whose payload is the UTF-8 encoding of {@code text}.
   *
   * @param text the reply text
   * @return the reply
   */
  public Message reply(String text) {
    return of(route, text);
  }

  /**
   * A reply on the same route whose payload is a copy of {@code bytes}.
   *
   * @param bytes the payload
   * @return the reply
   */
  public Message reply(byte[] bytes) {
    return of(route, bytes);
  }

  /**
   * A reply on the same route whose payload is the given bytes, not copied (ownership passes).
   * {@code m.reply(m.payload())} echoes a message without copying it: given the view its last
   * {@code payload()} call returned, whole, a message that holds an array shares that array with
   * the reply, which transports then write without a view.
   *
   * @param bytes the payload
   * @return the reply
   */
  public Message reply(ByteBuffer bytes) {
    byte[] a = array;
    if (a != null && bytes == lastView && bytes.position() == 0 && bytes.limit() == a.length) {
      // This message's own payload, whole: the reply shares the array, as a transport writes an
      // array without the view a read-only buffer needs (Netty copies through one per frame).
      return new Message(route, a, null, Map.of(), null, 0L);
    }
    return of(route, bytes);
  }

  /**
   * A reply on the same route whose payload is {@code value} encoded by {@code codec}.
   *
   * @param value the value
   * @param codec how to encode it
   * @param <T> the value type
   * @return the reply
   */
  public <T> Message reply(T value, Codec<T> codec) {
    return of(route, value, codec);
  }

  private static Map<String, String> copyHeaders(Map<String, String> headers) {
    if (headers.isEmpty()) {
      return Map.of();
    }
    Map<String, String> copy = new LinkedHashMap<>(headers);
    long size = 0;
    for (Map.Entry<String, String> e : copy.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (k == null || k.isEmpty() || v == null) {
        throw new IllegalArgumentException(
            "Header names must be non-empty and values non-null, got " + k + "=" + v);
      }
      size += utf8Length(k) + utf8Length(v);
    }
    if (size > MAX_HEADERS_SIZE) {
      throw new IllegalArgumentException(
          "Headers take " + size + " bytes, more than the " + MAX_HEADERS_SIZE + "-byte limit");
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * An independent read-only view of the bytes between position and limit: a slice of a buffer
   * that is read-only already (as {@link #payload()} hands out, so {@code m.reply(m.payload())}
   * echoes for one view), else a read-only slice.
   */
  private static ByteBuffer readOnlyView(ByteBuffer bytes) {
    ByteBuffer slice = bytes.slice();
    return slice.isReadOnly() ? slice : slice.asReadOnlyBuffer();
  }

  private static String checkRoute(String route) {
    Objects.requireNonNull(route, "route");
    if (route.isEmpty()) {
      throw new IllegalArgumentException("A message's route must not be empty");
    }
    // A char takes at most 3 UTF-8 bytes: only long routes need counting.
    if (route.length() * 3 > MAX_ROUTE_LENGTH && utf8Length(route) > MAX_ROUTE_LENGTH) {
      throw new IllegalArgumentException(
          "A route must be at most " + MAX_ROUTE_LENGTH + " UTF-8 bytes, got " + utf8Length(route));
    }
    return route;
  }

  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Message)) {
      return false;
    }
    Message other = (Message) o;
    return lamportTime == other.lamportTime
        && route.equals(other.route)
        && payload().equals(other.payload())
        && headers.equals(other.headers)
        && Objects.equals(sender, other.sender);
  }

  @Override
  public int hashCode() {
    return Objects.hash(route, payload(), headers, sender, lamportTime);
  }

  @Override
  public String toString() {
    return "Message{route="
        + route
        + ", payload="
        + payloadSize()
        + "B"
        + (headers.isEmpty() ? "" : ", headers=" + headers.keySet()) // names only: values may be secrets
        + (sender == null ? "" : ", sender=" + sender)
        + (lamportTime == 0 ? "" : ", lamport=" + lamportTime)
        + "}";
  }
}
