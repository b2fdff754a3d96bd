package sslj.kernels.runtime;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which GPU libraries this process can use, and why not where it cannot (DESIGN.md section 3).
 *
 * <p>Every JCuda binding has two native layers: JCuda's own JNI library, shipped in a natives jar and
 * named by the core jcuda version ({@code /lib/libJCublas2-12.6.0-linux-x86_64.so}), and the CUDA
 * library that JNI library links to ({@code libcublas.so.12}). Loading fails for one of two reasons,
 * and they need different fixes, so the probe tells them apart from the {@link UnsatisfiedLinkError}
 * text that JCuda's {@code LibUtils} builds (checked on a machine without CUDA, see GpuLibrariesTest):
 * <ul>
 *   <li>the binding's own native is not on the classpath under the core's version: LibUtils says
 *       {@code No resource found with name '/lib/libJCurand-12.6.0-linux-x86_64.so'} &rarr;
 *       {@link Failure#BINDING_NATIVE_MISSING}, a JCuda version mismatch in the build;</li>
 *   <li>the JNI library is there but the dynamic linker cannot find the CUDA library it needs:
 *       {@code .../libJCurand-12.6.0-linux-x86_64.so: libcurand.so.10: cannot open shared object file}
 *       &rarr; {@link Failure#CUDA_LIBRARY_MISSING}, a property of the machine, not of the build;</li>
 *   <li>the CUDA library is there but older or newer than the one the binding was linked against:
 *       {@code undefined symbol: ...} &rarr; {@link Failure#SYMBOL_MISSING}.</li>
 * </ul>
 *
 * <p>Caveat learnt the hard way: LibUtils extracts a resource native into {@code java.io.tmpdir} and
 * reuses a file already there, so a stale copy left by another process can hide a missing resource.
 * {@link #bindingNativeOnClasspath} checks the classpath itself.
 *
 * <p>Each library is probed once per process (a JNI library cannot be unloaded and retried anyway);
 * {@link #reportOnce()} prints the one summary line the first time anyone asks.
 */
public final class GpuLibraries {

    /** The version every binding's JNI library must carry: the core jcuda jar's. */
    public static final String JCUDA_VERSION = "12.6.0";

    /** A library the engine may use, with the CUDA soname its JCuda binding links to. */
    public enum Library {
        DRIVER("CUDA driver", "JCudaDriver", "libcuda.so.1"),
        CUBLAS("cuBLAS", "JCublas2", "libcublas.so.12"),
        CUDNN("cuDNN", "JCudnn", "libcudnn.so.9"),
        CURAND("cuRAND", "JCurand", "libcurand.so.10");

        public final String displayName;
        /** JCuda's JNI library stem: {@code lib<stem>-<version>-linux-x86_64.so}. */
        public final String bindingStem;
        public final String cudaSoname;

        Library(String displayName, String bindingStem, String cudaSoname) {
            this.displayName = displayName;
            this.bindingStem = bindingStem;
            this.cudaSoname = cudaSoname;
        }

        /** The classpath resource JCuda looks for on linux-x86_64. */
        public String bindingResource() {
            return "/lib/lib" + bindingStem + "-" + JCUDA_VERSION + "-linux-x86_64.so";
        }
    }

    /** Why a library did not load. */
    public enum Failure { NONE, CUDA_LIBRARY_MISSING, BINDING_NATIVE_MISSING, SYMBOL_MISSING, OTHER }

    /**
     * The outcome of loading one library. {@code detail} is short and human: a version ("9.1.0")
     * when loaded, the reason ("libcublas.so.12 not found") when not.
     */
    public record Status(Library library, boolean loaded, Failure failure, String detail) {
        @Override
        public String toString() {
            return library.displayName + (loaded ? " yes" : " no") + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private static final Map<Library, Status> STATUS = new EnumMap<>(Library.class);
    private static boolean reported;

    private GpuLibraries() { }

    /** Loads (once) and reports the state of one library; never throws. */
    public static synchronized Status status(Library library) {
        return STATUS.computeIfAbsent(library, GpuLibraries::load);
    }

    /** The summary line: "GPU libraries: CUDA driver no (libcuda.so.1 not found), cuBLAS ...". */
    public static String summaryLine() {
        List<String> parts = new ArrayList<>();
        for (Library library : Library.values()) parts.add(status(library).toString());
        return "GPU libraries: " + String.join(", ", parts);
    }

    /** Prints {@link #summaryLine()} to stderr the first time it is called in this process; returns it. */
    public static synchronized String reportOnce() {
        String line = summaryLine();
        if (!reported) {
            reported = true;
            System.err.println(line);
        }
        return line;
    }

    /** Whether the binding's own JNI library is a classpath resource under the core's version. */
    public static boolean bindingNativeOnClasspath(Library library) {
        return GpuLibraries.class.getResource(library.bindingResource()) != null;
    }

    // ---------------------------------------------------------------------------------------------
    // Loading. Each branch touches the binding's class, whose static initialiser loads the JNI
    // library; the call after it is the cheapest one that needs no GPU and yields a version.

    private static Status load(Library library) {
        try {
            String version = switch (library) {
                case DRIVER -> driverVersion();
                case CUBLAS -> { jcuda.jcublas.JCublas2.initialize(); yield ""; } // version needs a handle, i.e. a GPU
                case CUDNN -> cudnnVersion();
                case CURAND -> curandVersion();
            };
            return new Status(library, true, Failure.NONE, version);
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError...
            return classify(library, t);
        }
    }

    private static String driverVersion() {
        int[] version = {0};
        int result = jcuda.driver.JCudaDriver.cuDriverGetVersion(version);
        if (result != jcuda.driver.CUresult.CUDA_SUCCESS) return "";
        return "CUDA " + version[0] / 1000 + "." + version[0] % 1000 / 10;       // 13000 -> "CUDA 13.0"
    }

    private static String cudnnVersion() {
        long v = jcuda.jcudnn.JCudnn.cudnnGetVersion();                       // cuDNN 9: 90100 -> 9.1.0
        return v >= 90000 ? (v / 10000) + "." + (v % 10000 / 100) + "." + (v % 100)
                          : (v / 1000) + "." + (v % 1000 / 100) + "." + (v % 100); // cuDNN 8: 8902 -> 8.9.2
    }

    private static String curandVersion() {
        int[] v = {0};
        jcuda.jcurand.JCurand.curandGetVersion(v);                             // 10303 -> 10.3.3
        return v[0] / 1000 + "." + v[0] % 1000 / 100 + "." + v[0] % 100;
    }

    // ---------------------------------------------------------------------------------------------
    // Classification of a failure from its message text (and its causes': a second touch of a class
    // whose initialiser failed gives NoClassDefFoundError wrapping the first error's text).

    private static final Pattern NO_RESOURCE = Pattern.compile("No resource found with name '/lib/([^']+)'");
    private static final Pattern CANNOT_OPEN = Pattern.compile(": (lib[^:/\\s]+): cannot open shared object file");
    private static final Pattern UNDEFINED_SYMBOL = Pattern.compile("undefined symbol: (\\S+)");

    /** Classifies why {@code library} failed to load; public so that the rules can be tested on captured text. */
    public static Status classify(Library library, Throwable failure) {
        return classify(library, fullText(failure));
    }

    /** As {@link #classify(Library, Throwable)}, on the text of the error and its causes. */
    public static Status classify(Library library, String text) {
        Matcher m = NO_RESOURCE.matcher(text);
        if (m.find()) {
            return new Status(library, false, Failure.BINDING_NATIVE_MISSING,
                    "JCuda native " + m.group(1) + " not on the classpath: binding/core version mismatch");
        }
        m = CANNOT_OPEN.matcher(text);
        while (m.find()) {
            String soname = m.group(1);
            if (soname.startsWith("libJ")) continue;                           // JCuda's own library, not the cause
            return new Status(library, false, Failure.CUDA_LIBRARY_MISSING, soname + " not found");
        }
        m = UNDEFINED_SYMBOL.matcher(text);
        if (m.find()) {
            return new Status(library, false, Failure.SYMBOL_MISSING,
                    "installed " + library.cudaSoname + " lacks " + m.group(1) + ": CUDA library version mismatch");
        }
        String firstLine = text.isBlank() ? "unknown error" : text.strip().lines().findFirst().orElse("");
        return new Status(library, false, Failure.OTHER, firstLine);
    }

    private static String fullText(Throwable t) {
        StringBuilder text = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            text.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
            if (c.getCause() == c) break;
        }
        return text.toString();
    }
}
