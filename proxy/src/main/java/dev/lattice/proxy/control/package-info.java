/**
 * The proxy's side of its connections to the control plane (identity, destination, policy): how a
 * channel is dialled and what it reports ({@code control_*} metrics, as Linkerd's proxy does).
 */
package dev.lattice.proxy.control;
