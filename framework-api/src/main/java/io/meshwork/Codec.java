package io.meshwork;

import java.nio.ByteBuffer;

/**
 * Turns values into payload bytes and back.
 *
 * <pre>{@code
 * Codec<String> utf8 = Codecs.utf8();
 * Message m = Message.of("greet", "hello", utf8);
 * String text = m.decode(utf8);
 * }</pre>
 *
 * <p>Implementations must be stateless and thread-safe: a node calls them from its I/O threads.
 * They must not block.
 *
 * @param <T> the value type
 */
public interface Codec<T> {

  /**
   * Encodes a value.
   *
   * @param value the value
   * @return the bytes between position and limit; the caller takes ownership and will not modify
   *     them
   */
  ByteBuffer encode(T value);

  /**
   * Decodes a value.
   *
   * @param bytes the payload between position and limit, read-only; the codec may consume it
   * @return the value
   * @throws IllegalArgumentException if the bytes are not a valid encoding
   */
  T decode(ByteBuffer bytes);
}
