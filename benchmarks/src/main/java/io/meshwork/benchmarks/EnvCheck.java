package io.meshwork.benchmarks;

import io.netty.channel.epoll.Epoll;
import io.netty.util.Version;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * Prints, as {@code key=value} lines, what the report states about the client side's classpath:
 * whether Netty's native epoll transport loads (for Reactor Netty's Netty and for gRPC's shaded
 * one), their versions, and the versions the benchmarks were built against. {@code run.sh} runs it
 * with the same JVM flags as the server and the JMH forks.
 */
public final class EnvCheck {

  private EnvCheck() {}

  /**
   * Prints the facts.
   *
   * @param args none
   */
  public static void main(String[] args) {
    System.out.println("epoll.reactorNetty=" + Epoll.isAvailable());
    System.out.println(
        "epoll.grpcShaded=" + io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.isAvailable());
    if (!Epoll.isAvailable()) {
      System.out.println("epoll.reactorNetty.cause=" + Epoll.unavailabilityCause());
    }
    System.out.println("netty.reactorNetty=" + version(Version.identify(), "netty-common"));
    // The shaded Version.identify() reads the unshaded file: read gRPC's own instead.
    System.out.println(
        "netty.grpcShaded="
            + resource("/META-INF/io.grpc.netty.shaded.io.netty.versions.properties")
                .getProperty("netty-common.version", "unknown"));
    System.out.println(
        "netty.grpcShaded.allocator="
            + io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator.DEFAULT.getClass().getSimpleName());
    System.out.println(
        "netty.reactorNetty.allocator="
            + io.netty.buffer.ByteBufAllocator.DEFAULT.getClass().getSimpleName());
    Properties built = builtVersions();
    for (String key : built.stringPropertyNames()) {
      System.out.println("built." + key + "=" + built.getProperty(key));
    }
  }

  private static String version(Map<String, ?> versions, String artifact) {
    Object v = versions.get(artifact);
    if (v == null) {
      return "unknown";
    }
    if (v instanceof Version) {
      return ((Version) v).artifactVersion();
    }
    return v.toString();
  }

  /**
   * The versions Maven filled into {@code bench-versions.properties}.
   *
   * @return the properties, empty if the file is missing
   */
  static Properties builtVersions() {
    return resource("/bench-versions.properties");
  }

  private static Properties resource(String name) {
    Properties p = new Properties();
    try (InputStream in = EnvCheck.class.getResourceAsStream(name)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // report without them
    }
    return p;
  }
}
