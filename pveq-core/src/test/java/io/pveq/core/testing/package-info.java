/**
 * Test support shipped in the pveq-core test-jar, for every module's tests: readers for the Proxmox VE
 * reference data in {@code shared/reference/proxmox} (the API schema and the CLI synopsis) so that every
 * module can check the command lines it produces or accepts against the real thing;
 * {@link io.pveq.core.testing.TestPeer}, which a fixture calls before it starts a real peer (sshd, nginx,
 * Chromium...) so that a missing one fails the test at once, naming the package to install; and
 * {@link io.pveq.core.testing.ChildJvm} with {@link io.pveq.core.testing.ParentChannel}, for tests that
 * run a second JVM and talk to it over a channel no logging can write to. Internal to the project's
 * tests: no compatibility promise.
 */
package io.pveq.core.testing;
