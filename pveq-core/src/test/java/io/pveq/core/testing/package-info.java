/**
 * Test support shipped in the pveq-core test-jar: readers for the Proxmox VE reference data in
 * {@code shared/reference/proxmox} (the API schema and the CLI synopsis) so that every module can check
 * the command lines it produces or accepts against the real thing. Internal to the project's tests: no
 * compatibility promise.
 */
package io.pveq.core.testing;
