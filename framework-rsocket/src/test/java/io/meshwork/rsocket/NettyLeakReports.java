package io.meshwork.rsocket;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Records every leak Netty's detector reports (at PARANOID in this build), so that {@link
 * NettyLeakCheck} can fail the test that was running. Installed when the JUnit launcher session
 * opens — before any {@code ByteBuf} class creates its detector — through {@code
 * META-INF/services}.
 */
public final class NettyLeakReports implements LauncherSessionListener {

  private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  /**
   * Takes the reports recorded so far.
   *
   * @return the reports, oldest first; the queue is empty afterwards
   */
  public static List<String> drain() {
    List<String> out = new ArrayList<>();
    for (String r; (r = REPORTS.poll()) != null; ) {
      out.add(r);
    }
    return out;
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new ResourceLeakDetector<>(resource, samplingInterval, maxActive) {
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          REPORTS.add("LEAK: " + resourceType + records);
          super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          REPORTS.add("LEAK: " + resourceType + " (untraced)");
          super.reportUntracedLeak(resourceType);
        }

        @Override
        protected boolean needReport() {
          return true; // record even when the logger's ERROR level is off
        }
      };
    }
  }
}
