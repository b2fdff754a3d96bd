package sslj.tensor;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a tensor's numbers live, and so which {@link Backend} computes on them.
 *
 * <p>The CPU is always there and is the default. Other devices come from {@link BackendProvider}s
 * found with {@link ServiceLoader} (the kernels module provides "cuda" and the emulated "cuda-emu");
 * asking for one that is not there is a clear error saying why, never a silent fallback to the CPU
 * (ND4J's and DJL's explicit backend choice, STYLE.md 11).
 */
public final class Device {
    /** The CPU: pure Java, multithreaded, Vector API where the JVM has it. */
    public static final Device CPU = new Device("cpu", 0);

    private static final Map<String, Backend> BACKENDS = new ConcurrentHashMap<>();

    private final String kind;
    private final int index;

    private Device(String kind, int index) {
        this.kind = kind;
        this.index = index;
    }

    /** The first CUDA GPU; throws {@link IllegalStateException} naming the reason when there is none. */
    public static Device cuda() {
        return of("cuda", 0);
    }

    /** A device by kind ("cpu", "cuda", "cuda-emu") and index, checked to be available. */
    public static Device of(String kind, int index) {
        if (kind.equals("cpu")) {
            return CPU;
        }
        Device d = new Device(kind, index);
        d.backend(); // fails here, with the provider's reason, if the device cannot be used
        return d;
    }

    /** Parses "cpu", "cuda", "cuda:1", "cuda-emu". */
    public static Device parse(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? of(name, 0) : of(name.substring(0, colon), Integer.parseInt(name.substring(colon + 1)));
    }

    public String kind() { return kind; }

    public int index() { return index; }

    /** The backend that computes on this device (created once per device). */
    public Backend backend() {
        return BACKENDS.computeIfAbsent(toString(), key -> createBackend());
    }

    private Backend createBackend() {
        if (this.kind.equals("cpu")) {
            return new sslj.tensor.cpu.CpuBackend(this);
        }
        StringBuilder why = new StringBuilder();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.kind().equals(kind)) {
                return p.create(this);
            }
            why.append(' ').append(p.kind());
        }
        throw new IllegalStateException("no backend for device '" + this + "': no provider of kind '" + kind
                + "' on the class path (providers found:" + (why.length() == 0 ? " none" : why) + ")"
                + (kind.startsWith("cuda") ? "; add the sslj-kernels module to the class path" : ""));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.kind.equals(kind) && d.index == index;
    }

    @Override
    public int hashCode() { return kind.hashCode() * 31 + index; }

    @Override
    public String toString() { return kind.equals("cpu") ? "cpu" : kind + ":" + index; }
}
