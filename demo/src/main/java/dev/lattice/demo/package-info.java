/**
 * An emojivoto-like demo application: one launcher for four workloads (emoji, voting, web, vote-bot); it
 * is an ordinary application and must never know about the mesh that may carry its traffic.
 */
package dev.lattice.demo;
