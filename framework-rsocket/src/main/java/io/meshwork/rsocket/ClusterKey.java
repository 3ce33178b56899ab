package io.meshwork.rsocket;

import io.meshwork.error.UnauthenticatedException;
import io.meshwork.transport.PeerInfo;
import io.netty.buffer.ByteBuf;
import io.rsocket.metadata.CompositeMetadata;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Proof, in a connection's handshake, that each end holds the cluster's shared key: an
 * HMAC-SHA256 tag in an entry of its own ({@value #AUTH_MIME}) beside the peer entry.
 *
 * <ul>
 *   <li>The dialler's SETUP carries the time it was sent, a random 16-byte nonce, and the tag of
 *       {@code "setup" ‖ peer entry ‖ time ‖ nonce}. The accepting node refuses the SETUP unless
 *       the tag verifies and the time is within {@link #MAX_SKEW} of its own clock.
 *   <li>The accepting node's hello carries the tag of {@code "hello" ‖ its peer entry ‖ the
 *       dialler's nonce}: bound to this handshake, so a recorded hello proves nothing on another
 *       connection. The dialler refuses the connection unless it verifies.
 * </ul>
 *
 * <p>This authenticates ids and addresses against nodes outside the cluster (a misconfigured node
 * of another cluster, a client claiming a member's id); it neither encrypts nor protects a
 * connection against an attacker on its path, who could relay a whole handshake. A SETUP
 * recorded and replayed within {@link #MAX_SKEW} is accepted, but only gets a connection whose
 * hello the replayer cannot use. Run TLS beneath for confidentiality.
 *
 * <p>Thread-safe: each use takes its own {@link Mac}.
 */
final class ClusterKey {

  static final String AUTH_MIME = "application/x.meshwork.auth.v0";

  /** The shortest key accepted, in bytes. */
  static final int MIN_KEY_BYTES = 16;

  /** How far a SETUP's time may be from the accepting node's clock. */
  static final Duration MAX_SKEW = Duration.ofMinutes(2);

  static final int NONCE_BYTES = 16;
  private static final int TAG_BYTES = 32;
  private static final byte VERSION = 1;
  private static final byte[] SETUP = {'s', 'e', 't', 'u', 'p'};
  private static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o'};
  /**
   * A DRBG, seeded here once: nonces are drawn on event loops, where the platform default
   * ({@code NativePRNG}) would read {@code /dev/urandom} on every call, blocking I/O that
   * BlockHound rightly refuses.
   */
  private static final SecureRandom RANDOM = seededDrbg();

  private final SecretKeySpec key;
  private final LongSupplier clockMillis;

  ClusterKey(byte[] key) {
    this(key, System::currentTimeMillis);
  }

  /** With a clock of its own: for tests of the time window. */
  ClusterKey(byte[] key, LongSupplier clockMillis) {
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "clusterKey must be at least " + MIN_KEY_BYTES + " bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.clockMillis = clockMillis;
  }

  private static SecureRandom seededDrbg() {
    try {
      SecureRandom r = SecureRandom.getInstance("DRBG");
      r.nextBytes(new byte[1]); // instantiates it: its one read of the entropy source is here
      return r;
    } catch (GeneralSecurityException e) { // DRBG is in every JDK since 9
      throw new IllegalStateException("DRBG unavailable", e);
    }
  }

  /** A fresh nonce for one dial; no I/O. */
  static byte[] nonce() {
    byte[] n = new byte[NONCE_BYTES];
    RANDOM.nextBytes(n);
    return n;
  }

  /** The auth entry's content for a SETUP: version, time, nonce, tag. */
  byte[] setupEntry(PeerInfo self, byte[] nonce) {
    long now = clockMillis.getAsLong();
    byte[] tag = tag(SETUP, PeerInfoCodec.content(self), longBytes(now), nonce);
    return ByteBuffer.allocate(1 + 8 + NONCE_BYTES + TAG_BYTES)
        .put(VERSION)
        .putLong(now)
        .put(nonce)
        .put(tag)
        .array();
  }

  /** The auth entry's content for a hello answering a SETUP with {@code nonce}: version, tag. */
  byte[] helloEntry(PeerInfo self, byte[] nonce) {
    byte[] tag = tag(HELLO, PeerInfoCodec.content(self), nonce);
    return ByteBuffer.allocate(1 + TAG_BYTES).put(VERSION).put(tag).array();
  }

  /**
   * Checks a SETUP's auth entry against the peer it claims to be.
   *
   * @return the dialler's nonce, for the hello
   * @throws UnauthenticatedException if the entry is missing, malformed, stale or forged
   */
  byte[] verifySetup(ByteBuf compositeMetadata, PeerInfo claimed) {
    ByteBuffer in = entry(compositeMetadata, claimed, 1 + 8 + NONCE_BYTES + TAG_BYTES);
    long sent = in.getLong();
    byte[] nonce = new byte[NONCE_BYTES];
    in.get(nonce);
    byte[] tag = new byte[TAG_BYTES];
    in.get(tag);
    if (!MessageDigest.isEqual(tag, tag(SETUP, PeerInfoCodec.content(claimed), longBytes(sent), nonce))) {
      throw refused(claimed, "its SETUP is not signed with this cluster's key");
    }
    long skew = Math.abs(clockMillis.getAsLong() - sent);
    if (skew > MAX_SKEW.toMillis()) {
      throw refused(
          claimed,
          "its SETUP was signed "
              + skew / 1000
              + " s from this node's clock, more than "
              + MAX_SKEW.toSeconds()
              + " s (a replay, or clocks out of step)");
    }
    return nonce;
  }

  /**
   * Checks a hello's auth entry against the peer it claims to be and the nonce this node sent.
   *
   * @throws UnauthenticatedException if the entry is missing, malformed or forged
   */
  void verifyHello(ByteBuf compositeMetadata, PeerInfo claimed, byte[] nonce) {
    ByteBuffer in = entry(compositeMetadata, claimed, 1 + TAG_BYTES);
    byte[] tag = new byte[TAG_BYTES];
    in.get(tag);
    if (!MessageDigest.isEqual(tag, tag(HELLO, PeerInfoCodec.content(claimed), nonce))) {
      throw refused(claimed, "its hello is not signed with this cluster's key");
    }
  }

  /** The auth entry's content, version checked, positioned after the version byte. */
  private static ByteBuffer entry(ByteBuf compositeMetadata, PeerInfo claimed, int length) {
    byte @Nullable [] content = null;
    try {
      for (CompositeMetadata.Entry e : new CompositeMetadata(compositeMetadata, false)) {
        if (AUTH_MIME.equals(e.getMimeType())) {
          ByteBuf c = e.getContent();
          content = new byte[c.readableBytes()];
          c.getBytes(c.readerIndex(), content);
          break;
        }
      }
    } catch (RuntimeException e) {
      throw refused(claimed, "its metadata is malformed: " + e.getMessage());
    }
    if (content == null) {
      throw refused(claimed, "it sent no cluster key proof (is its clusterKey set?)");
    }
    if (content.length != length || content[0] != VERSION) {
      throw refused(claimed, "its cluster key proof is malformed");
    }
    return ByteBuffer.wrap(content, 1, length - 1);
  }

  private byte[] tag(byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) { // HmacSHA256 is in every JDK
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static UnauthenticatedException refused(PeerInfo claimed, String why) {
    return new UnauthenticatedException(
        "Peer claiming to be " + claimed.id() + " at " + claimed.address() + " is not authenticated: " + why,
        null);
  }

  @Override
  public String toString() {
    return "ClusterKey[hidden]";
  }
}
