package io.meshwork.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * XXH64 against the reference implementation. The ring's placement is shared by every node, so
 * the hash must be bit-for-bit XXH64 and must never drift between versions.
 */
@DisplayName("XxHash64 is XXH64")
class XxHash64Test {

  private static final long PRIME32 = 2654435761L;
  /** The sanity buffer's generator, 11400714785074694797: not XXH64's own PRIME64_1. */
  private static final long PRIME64 = 0x9E3779B185EBCA8DL;

  /** The buffer of xxHash's own sanity check ({@code cli/xsum_sanity_check.c}). */
  private static byte[] sanityBuffer(int len) {
    byte[] b = new byte[len];
    long gen = PRIME32;
    for (int i = 0; i < len; i++) {
      b[i] = (byte) (gen >>> 56);
      gen *= PRIME64;
    }
    return b;
  }

  @Test
  @DisplayName("matches the reference sanity vectors: every length class, seed 0 and PRIME32")
  void matchesTheReferenceSanityVectors() {
    byte[] buf = sanityBuffer(222);
    // {length, seed, XXH64}, as xsum_sanity_check.c lists them
    long[][] vectors = {
      {0, 0, 0xEF46DB3751D8E999L},
      {0, PRIME32, 0xAC75FDA2929B17EFL},
      {1, 0, 0xE934A84ADB052768L},
      {1, PRIME32, 0x5014607643A9B4C3L},
      {4, 0, 0x9136A0DCA57457EEL},
      {14, 0, 0x8282DCC4994E35C8L},
      {14, PRIME32, 0xC3BD6BF63DEB6DF0L},
      {222, 0, 0xB641AE8CB691C174L},
      {222, PRIME32, 0x20CB8AB7AE10C14AL},
    };
    for (long[] v : vectors) {
      assertThat(XxHash64.hash(buf, 0, (int) v[0], v[1]))
          .as("XXH64 of %d sanity bytes, seed %d", v[0], v[1])
          .isEqualTo(v[2]);
    }
  }

  @Test
  @DisplayName("matches XXH64 of well-known strings")
  void matchesWellKnownStrings() {
    assertThat(hash("")).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(hash("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
    assertThat(hash("abc")).isEqualTo(0x44BC2CF5AD770999L);
    assertThat(hash("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
    // non-ASCII keys are hashed as UTF-8 (value from libxxhash 0.8.1)
    assertThat(hash("ключ")).isEqualTo(0xA17D2DD13D89D19CL);
  }

  @Test
  @DisplayName("hashes only the range it is given")
  void hashesOnlyTheGivenRange() {
    SplittableRandom random = new SplittableRandom(6);
    for (int len = 0; len < 100; len++) {
      byte[] all = new byte[len + 10];
      random.nextBytes(all);
      byte[] middle = Arrays.copyOfRange(all, 5, 5 + len);
      assertThat(XxHash64.hash(all, 5, len, 42)).isEqualTo(XxHash64.hash(middle, 0, len, 42));
    }
    assertThatThrownBy(() -> XxHash64.hash(new byte[4], 2, 3, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static long hash(String s) {
    return XxHash64.hash(s.getBytes(StandardCharsets.UTF_8));
  }
}
