/**
 * The web workload: the voting page and its JSON API over HTTP/1.1, backed by the emoji and voting services
 * over gRPC; it must never count votes itself.
 */
package dev.lattice.demo.web;
