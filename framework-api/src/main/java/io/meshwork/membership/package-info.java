/**
 * The vocabulary of cluster membership: what state a member is in, as every node's view reports
 * it.
 */
@NullMarked
package io.meshwork.membership;

import org.jspecify.annotations.NullMarked;
