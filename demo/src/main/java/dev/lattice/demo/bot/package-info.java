/**
 * The vote-bot workload: votes through the web workload's JSON API at a steady rate, forever; it must never
 * exit because of an error (it logs, backs off and carries on).
 */
package dev.lattice.demo.bot;
