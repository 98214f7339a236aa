/** The {@code lattice} command line: parsing, output formats, exit codes. Logic lives in the modules it calls. */
package dev.lattice.cli;
