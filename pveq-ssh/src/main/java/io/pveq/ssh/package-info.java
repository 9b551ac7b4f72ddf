/**
 * SSH access for pveq: {@link io.pveq.ssh.SshCommandTransport} runs node commands and uploads files
 * over pooled sshj connections; {@link io.pveq.ssh.SshGuestAccess} reaches new VMs. Public API,
 * evolving until 1.0: signatures use JDK and pveq types only, never sshj types.
 */
package io.pveq.ssh;
