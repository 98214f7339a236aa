/**
 * Control-plane events (Kubernetes-style: type, reason, message, the object they are about) and the
 * sinks that receive them.
 *
 * <p>Components emit events through {@link dev.lattice.control.events.EventSink} only; this package
 * never talks to Kubernetes itself and an emit must never block or fail the caller.
 */
package dev.lattice.control.events;
