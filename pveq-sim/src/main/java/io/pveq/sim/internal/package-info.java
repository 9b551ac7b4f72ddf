/** The simulator's implementation. No compatibility promise: use {@link io.pveq.sim} instead. */
package io.pveq.sim.internal;
