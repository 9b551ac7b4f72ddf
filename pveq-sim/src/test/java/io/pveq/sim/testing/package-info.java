/**
 * Test support shipped in pveq-sim's test-jar: the conformance check of the simulator's REST API
 * face against the real Proxmox VE schema, installed for every test automatically. Internal to the
 * project's tests: no compatibility promise.
 */
package io.pveq.sim.testing;
