/** JMH benchmarks for the hardening filters; see {@code docs/benchmarks.md}. */
package dev.palisade.benchmarks;
