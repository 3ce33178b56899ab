package io.meshwork.core.membership;

import io.meshwork.Address;
import io.meshwork.NodeBuilder;
import io.meshwork.NodeId;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The binary form of {@link SwimFrame}s: version byte, kind, sequence number, acked flag, optional
 * target, then the members. Strings are length-prefixed UTF-8; counts are bounded, so a malformed
 * or hostile frame fails with {@link InvalidRequestException} before it can allocate much.
 */
final class SwimCodec {

  static final byte VERSION = 1;
  static final int MAX_MEMBERS = 100_000;
  static final int MAX_ENTRIES = 1_024;
  static final int MAX_STRING = 1_024;

  private static final MemberStatus[] STATUSES = MemberStatus.values();
  private static final SwimFrame.Kind[] KINDS = SwimFrame.Kind.values();

  private SwimCodec() {}

  /**
   * Checks metadata fits what every node decodes: at most {@value #MAX_ENTRIES} entries of at
   * most {@value NodeBuilder#MAX_METADATA_ENTRY_LENGTH} UTF-8 bytes per key and value.
   *
   * @throws IllegalArgumentException naming what is too large
   */
  static void checkMetadata(Map<String, String> metadata) {
    if (metadata.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException(
          "at most " + MAX_ENTRIES + " metadata entries, got " + metadata.size());
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      for (String s : List.of(e.getKey(), e.getValue())) {
        int length = s.getBytes(StandardCharsets.UTF_8).length;
        if (length > NodeBuilder.MAX_METADATA_ENTRY_LENGTH) {
          throw new IllegalArgumentException(
              "metadata keys and values must be at most " + NodeBuilder.MAX_METADATA_ENTRY_LENGTH
                  + " UTF-8 bytes, got " + length + " for key '" + e.getKey() + "'");
        }
      }
    }
  }

  static byte[] encode(SwimFrame frame) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 48 * frame.members().size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(frame.kind().ordinal());
      out.writeLong(frame.seq());
      out.writeBoolean(frame.acked());
      out.writeBoolean(frame.target() != null);
      if (frame.target() != null) {
        write(out, frame.target());
      }
      out.writeInt(frame.members().size());
      for (Member m : frame.members()) {
        write(out, m);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not throw
    }
    return bytes.toByteArray();
  }

  private static void write(DataOutputStream out, Member m) throws IOException {
    string(out, m.id().value());
    string(out, m.address().host());
    out.writeShort(m.address().port());
    out.writeLong(m.incarnation());
    out.writeByte(m.status().ordinal());
    out.writeShort(m.metadata().size());
    for (Map.Entry<String, String> e : m.metadata().entrySet()) {
      string(out, e.getKey());
      string(out, e.getValue());
    }
    out.writeShort(m.routes().size());
    for (String r : m.routes()) {
      string(out, r);
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_STRING) { // what no node would decode must not be sent
      throw new IllegalArgumentException(
          "a membership string of " + b.length + " UTF-8 bytes, at most " + MAX_STRING);
    }
    out.writeShort(b.length);
    out.write(b);
  }

  /**
   * Reads a frame.
   *
   * @throws InvalidRequestException if the bytes are not a frame of this version
   */
  static SwimFrame decode(ByteBuffer in) {
    try {
      byte version = in.get();
      if (version != VERSION) {
        throw new InvalidRequestException("membership frame version " + version + ", expected " + VERSION);
      }
      SwimFrame.Kind kind = KINDS[index(in.get(), KINDS.length, "kind")];
      long seq = in.getLong();
      boolean acked = in.get() != 0;
      Member target = in.get() != 0 ? member(in) : null;
      int count = count(in.getInt(), MAX_MEMBERS, "members");
      List<Member> members = new ArrayList<>(Math.min(count, 64));
      for (int i = 0; i < count; i++) {
        members.add(member(in));
      }
      if (in.hasRemaining()) {
        throw new InvalidRequestException(in.remaining() + " bytes after a membership frame");
      }
      return new SwimFrame(kind, seq, target, acked, members);
    } catch (BufferUnderflowException e) {
      throw new InvalidRequestException("membership frame truncated");
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidRequestException("malformed membership frame: " + e.getMessage());
    }
  }

  private static Member member(ByteBuffer in) {
    NodeId id = NodeId.of(string(in));
    Address address = Address.of(string(in), Short.toUnsignedInt(in.getShort()));
    long incarnation = in.getLong();
    MemberStatus status = STATUSES[index(in.get(), STATUSES.length, "status")];
    int entries = count(Short.toUnsignedInt(in.getShort()), MAX_ENTRIES, "metadata entries");
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < entries; i++) {
      metadata.put(string(in), string(in));
    }
    int routeCount = count(Short.toUnsignedInt(in.getShort()), MAX_ENTRIES, "routes");
    Set<String> routes = new LinkedHashSet<>();
    for (int i = 0; i < routeCount; i++) {
      routes.add(string(in));
    }
    return new Member(id, address, incarnation, status, metadata, routes);
  }

  private static String string(ByteBuffer in) {
    int length = count(Short.toUnsignedInt(in.getShort()), MAX_STRING, "string length");
    byte[] b = new byte[length];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static int index(byte b, int size, String what) {
    if (b < 0 || b >= size) {
      throw new InvalidRequestException("membership frame has unknown " + what + " " + b);
    }
    return b;
  }

  private static int count(int n, int max, String what) {
    if (n < 0 || n > max) {
      throw new InvalidRequestException("membership frame has " + n + " " + what + ", at most " + max);
    }
    return n;
  }
}
