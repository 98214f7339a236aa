/** Test support for the control module: a hand-moved clock and a PKI made at test time. Test code only. */
package dev.lattice.control.testing;
