package sslj.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import sslj.tensor.Device;
import sslj.tensor.Tensor;

/**
 * The named cases of a device-parameterised suite (DeviceTensorTest, DeviceGradTest, DeviceModuleTest):
 * each case computes named tensors on a device from a seeded {@link DeviceRun}, and is checked against
 * the same computation on the CPU within its own tolerances. Seeds are {@code seedBase · (case number)},
 * so adding a case does not change the inputs of the ones before it.
 */
public final class DeviceCases {
    private record Case(Function<Device, Map<String, Tensor>> fn, double atol, double rtol) { }

    private final Map<String, Case> cases = new LinkedHashMap<>();
    private final long seedBase;

    public DeviceCases(long seedBase) { this.seedBase = seedBase; }

    /** Registers a case; results must match the CPU within {@code atol + rtol·|cpu|}. */
    public void add(String name, double atol, double rtol, Function<DeviceRun, Map<String, Tensor>> body) {
        if (cases.containsKey(name)) throw new IllegalArgumentException("case '" + name + "' registered twice");
        long seed = seedBase * (cases.size() + 1);
        cases.put(name, new Case(d -> body.apply(new DeviceRun(d, seed)), atol, rtol));
    }

    /** (case name, device) for every case on every CUDA device under test: a @MethodSource. */
    public Stream<Arguments> arguments() {
        List<Arguments> args = new ArrayList<>();
        for (Device d : Devices.cuda()) for (String name : cases.keySet()) args.add(Arguments.of(name, d));
        return args.stream();
    }

    /** Runs case {@code name} on {@code device} and on the CPU and compares them. */
    public void check(String name, Device device) {
        Case c = cases.get(name);
        Devices.assertMatchesCpu(name, device, c.fn(), c.atol(), c.rtol());
    }
}
