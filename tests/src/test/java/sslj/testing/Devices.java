package sslj.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import sslj.kernels.cuda.JCudaRuntime;
import sslj.tensor.Device;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;

/**
 * The devices every device-parameterised suite runs on, and the CPU-against-device comparison they share.
 *
 * <p>{@link #cuda()}: the emulated "cuda-emu" always (so CI, with no GPU, runs every kernel and every
 * line of the CUDA backend), plus the real "cuda" when a GPU is present; with {@code -Dsslj.gpu=required}
 * a missing GPU is an error instead of a shorter list. {@link #all()} puts the CPU first.
 *
 * <p>{@link #assertMatchesCpu}: a case is a function {@code Device → named results} (outputs and gradients)
 * that builds its inputs from a fixed seed on the CPU and moves them with {@code .to(device)}; it runs
 * once on the CPU and once on the device, each inside a {@link TensorScope} (device results are read back
 * with {@code toFloatArray()} before the scope releases them), and every result must match elementwise
 * within {@code atol + rtol·|cpu|} ({@link Close}).
 */
public final class Devices {
    private Devices() { }

    /** The CUDA devices: "cuda-emu" always, "cuda" when a GPU is present (required with -Dsslj.gpu=required). */
    public static List<Device> cuda() {
        List<Device> devices = new ArrayList<>();
        devices.add(emulated());
        JCudaRuntime.Availability gpu = JCudaRuntime.probe();
        if (gpu.available()) {
            devices.add(Device.cuda());
        } else if ("required".equals(System.getProperty("sslj.gpu"))) {
            throw new IllegalStateException("-Dsslj.gpu=required but no GPU: " + gpu.reason());
        }
        return devices;
    }

    /** The CPU, then {@link #cuda()}. */
    public static List<Device> all() {
        List<Device> devices = new ArrayList<>();
        devices.add(Device.CPU);
        devices.addAll(cuda());
        return devices;
    }

    /** The emulated CUDA device (the real backend and kernels, run by the PTX emulator on the host). */
    public static Device emulated() {
        return Device.of("cuda-emu", 0);
    }

    /** Runs {@code fn} in a scope on {@code device} and reads every named result back to the host. */
    public static Map<String, float[]> run(Device device, Function<Device, Map<String, Tensor>> fn) {
        Map<String, float[]> values = new LinkedHashMap<>();
        try (TensorScope scope = TensorScope.open()) {
            fn.apply(device).forEach((name, t) -> {
                if (t == null) throw new AssertionError(name + ": no result (gradient not computed?) on " + device);
                if (!t.device().toString().equals(device.toString())) throw new AssertionError(name + ": on " + t.device() + ", expected " + device);
                values.put(name + " " + java.util.Arrays.toString(t.shape()), t.toFloatArray());
            });
        }
        return values;
    }

    /** Runs the case on the CPU and on {@code device} and compares every named result (shape and values). */
    public static void assertMatchesCpu(String what, Device device, Function<Device, Map<String, Tensor>> fn, double atol, double rtol) {
        Map<String, float[]> cpu = run(Device.CPU, fn), dev = run(device, fn);
        if (!cpu.keySet().equals(dev.keySet())) {
            throw new AssertionError(what + " on " + device + ": results (name [shape]) differ: cpu " + cpu.keySet() + ", device " + dev.keySet());
        }
        cpu.forEach((name, ref) -> Close.assertClose(what + " on " + device + ": " + name, ref, dev.get(name), atol, rtol));
    }
}
