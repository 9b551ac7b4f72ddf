/** Implementation of pveq-ssh. Internal: no compatibility promise, do not use from outside pveq. */
package io.pveq.ssh.internal;
