package sslj.ssl.train;

/**
 * Whether this JVM can draw PNG plots. Java2D lives in the java.desktop module, which a full JDK has and
 * the trimmed runtime of the GPU harness (bench/gpu/run-on-gpu.sh) leaves out. This class touches no
 * AWT type, so asking is safe anywhere; {@link CurvePlot} itself must only be loaded when the answer is yes
 * (its static colours and fonts are AWT objects).
 */
public final class PlotSupport {
    private PlotSupport() { }

    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("java.desktop").isPresent();

    /** True when java.desktop is present. Callers skip their plot with a message otherwise; the numbers stay in the metrics file. */
    public static boolean available() { return AVAILABLE; }
}
