/**
 * The transport SPI: what the engine ({@code framework-core}) asks of a transport, and what a
 * transport hands back. {@code framework-core} ships an in-memory transport, {@code
 * framework-rsocket} the RSocket one; {@code framework-testkit}'s {@code TransportContract} is the
 * suite every transport must pass.
 *
 * <p>Threading: a transport calls its {@link io.meshwork.transport.Responder} on its own I/O
 * threads; nothing on either side of this SPI may block. Ownership: {@link io.meshwork.Message}
 * holds no reference-counted memory, so messages cross this SPI without release duties.
 */
@NullMarked
package io.meshwork.transport;

import org.jspecify.annotations.NullMarked;
