/**
 * Socket-level facts about accepted connections: typed addresses and the original destination that
 * iptables redirected away from. Never blocks; never reads application bytes.
 */
package dev.lattice.proxy.transport;
