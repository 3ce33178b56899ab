/**
 * The typed errors of Meshwork's verbs. Each says what failed and where (route, node, address);
 * {@link io.meshwork.error.Retryable} marks those that are safe to retry because the request was
 * certainly not processed.
 */
@NullMarked
package io.meshwork.error;

import org.jspecify.annotations.NullMarked;
