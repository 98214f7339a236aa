/**
 * Server-streaming plumbing shared by the control plane's watch APIs (destination, inbound policy):
 * flow control by keeping only the newest unsent value, and subscription lifecycles that cannot
 * deadlock with the index that feeds them. Never blocks a gRPC thread.
 */
package dev.lattice.control.watch;
