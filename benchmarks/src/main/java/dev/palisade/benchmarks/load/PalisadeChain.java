package dev.palisade.benchmarks.load;

import jakarta.servlet.ServletContext;

/** Installs the full Palisade chain with limits high enough that nothing is rejected. */
final class PalisadeChain {
    private PalisadeChain() {
    }

    static void install(ServletContext ctx) {
        throw new UnsupportedOperationException("filled in once Hardening exists");
    }
}
