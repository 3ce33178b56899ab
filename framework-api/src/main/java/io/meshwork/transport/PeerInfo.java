package io.meshwork.transport;

import io.meshwork.Address;
import io.meshwork.NodeId;
import java.util.Objects;

/**
 * What one node tells another about itself when they connect.
 *
 * @param id the node's id
 * @param address where it listens (its advertised address)
 * @param maxInboundPayloadSize the largest payload it accepts, in bytes; a sender fails larger
 *     ones locally with {@link io.meshwork.error.PayloadTooLargeException} instead of sending them
 */
public record PeerInfo(NodeId id, Address address, int maxInboundPayloadSize) {

  /** Validates the fields. */
  public PeerInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    if (maxInboundPayloadSize <= 0) {
      throw new IllegalArgumentException(
          "maxInboundPayloadSize must be positive, got " + maxInboundPayloadSize);
    }
  }
}
