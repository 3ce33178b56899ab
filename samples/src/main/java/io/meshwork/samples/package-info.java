/**
 * Runnable samples of Meshwork, behind one command line ({@link io.meshwork.samples.Main}): {@link
 * io.meshwork.samples.Demo} is the README's first command, and {@link
 * io.meshwork.samples.NodeCommand} runs one real node in its own process.
 */
@NullMarked
package io.meshwork.samples;

import org.jspecify.annotations.NullMarked;
