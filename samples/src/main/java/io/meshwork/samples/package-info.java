/** Runnable demos of Meshwork: {@link io.meshwork.samples.Demo} is the README's first command. */
@NullMarked
package io.meshwork.samples;

import org.jspecify.annotations.NullMarked;
