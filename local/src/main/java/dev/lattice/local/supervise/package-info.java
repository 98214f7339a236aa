/**
 * The background process that owns a local mesh's processes: the control plane, every proxy (as the
 * proxy uid) and app, and the host's port-forward. It restarts what dies and keeps each workload's
 * Ready condition in the store true exactly while its proxy and app answer.
 *
 * <p>It must never run a proxy as root or an app as the proxy uid: that would defeat (or loop)
 * proxy-init's redirection.
 */
package dev.lattice.local.supervise;
