/**
 * Runnable example programs, one scenario each, with a {@code main} and a {@code run} method the
 * tests call. Not a library: no compatibility promise, never published. Benchmark programs are in
 * {@code io.pveq.examples.bench}.
 */
package io.pveq.examples;
