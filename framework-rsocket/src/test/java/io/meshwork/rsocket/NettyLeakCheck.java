package io.meshwork.rsocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test (or, after a class, the class) when Netty's leak detector has reported a leak.
 * Registered for every test of the modules that carry this test jar, by JUnit's extension
 * auto-detection. After a class it collects garbage and allocates a few buffers, which is when the
 * detector looks for lost ones.
 */
public final class NettyLeakCheck implements AfterEachCallback, AfterAllCallback {

  @Override
  public void afterEach(ExtensionContext context) {
    failIfLeaked(context.getDisplayName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (int i = 0; i < 3; i++) {
      System.gc();
      ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1);
      probe.release();
    }
    failIfLeaked(context.getDisplayName());
  }

  private static void failIfLeaked(String where) {
    List<String> leaks = NettyLeakReports.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          "Netty reported " + leaks.size() + " leak(s) during or before " + where + ":\n"
              + String.join("\n", leaks));
    }
  }
}
