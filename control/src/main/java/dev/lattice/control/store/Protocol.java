package dev.lattice.control.store;

/** Transport protocol of a port, as manifests spell it. */
public enum Protocol {
  TCP,
  UDP,
  SCTP
}
