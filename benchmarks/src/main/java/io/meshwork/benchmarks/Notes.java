package io.meshwork.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Lines the benchmarks leave for the report (such as whether every fire-and-forget message
 * arrived), appended to the file named by {@code -Dmeshwork.bench.notes}; nothing without it.
 */
public final class Notes {

  /** The system property naming the notes file. */
  public static final String PROPERTY = "meshwork.bench.notes";

  private Notes() {}

  /**
   * Appends one line.
   *
   * @param line the line
   */
  public static synchronized void append(String line) {
    String file = System.getProperty(PROPERTY);
    if (file == null || file.isEmpty()) {
      return;
    }
    try {
      Files.writeString(
          Path.of(file),
          line + System.lineSeparator(),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
