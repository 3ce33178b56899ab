package io.meshwork.rsocket;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A frame's metadata copied, in one bulk read, into an array of the reading thread's, where the
 * codec recognises the shapes almost every frame has: a request's routing entry followed by a
 * headers entry holding only the Lamport time, and a reply's Lamport-only entry. Read in place,
 * each byte or word of a frame's metadata slice pays a bounds check and a reference-count check
 * of the frame under it ({@code AbstractDerivedByteBuf.isAccessible0}, the top frame of both
 * sides' profiles); copied, it pays them once per frame, and the comparisons run on plain arrays.
 *
 * <p>An instance is the calling thread's own: {@link #of} returns it, valid until the thread's
 * next call. Nothing here retains or releases a buffer.
 */
final class MetadataCopy {

  /** The longest metadata copied: a routing entry of the longest route, then a Lamport entry. */
  static final int CAPACITY = 4 + 1 + 255 + 64;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final FastThreadLocal<MetadataCopy> PER_THREAD =
      new FastThreadLocal<>() {
        @Override
        protected MetadataCopy initialValue() {
          return new MetadataCopy();
        }
      };

  /** The copied bytes, from index 0. */
  final byte[] bytes = new byte[CAPACITY];

  /** How many bytes were copied. */
  int length;

  private MetadataCopy() {}

  /**
   * The calling thread's copy of the readable bytes of {@code metadata}, or {@code null} if they
   * are more than {@link #CAPACITY} (parse those in place).
   */
  static @Nullable MetadataCopy of(ByteBuf metadata) {
    int length = metadata.readableBytes();
    if (length > CAPACITY) {
      return null;
    }
    MetadataCopy copy = PER_THREAD.get();
    metadata.getBytes(metadata.readerIndex(), copy.bytes, 0, length);
    copy.length = length;
    return copy;
  }

  /** Whether the {@code prefix.length} bytes at {@code at} are {@code prefix}. */
  boolean startsWith(int at, byte[] prefix) {
    return at >= 0
        && at + prefix.length <= length
        && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
  }

  /** The big-endian long at {@code at}. */
  long longAt(int at) {
    return (long) LONG.get(bytes, at);
  }

  /** The unsigned byte at {@code at}. */
  int unsignedByte(int at) {
    return bytes[at] & 0xFF;
  }

  /** The unsigned 3-byte big-endian length at {@code at}. */
  int medium(int at) {
    return (bytes[at] & 0xFF) << 16 | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF);
  }
}
