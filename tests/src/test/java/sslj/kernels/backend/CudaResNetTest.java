package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sslj.autograd.Variable;
import sslj.nn.Linear;
import sslj.nn.Module;
import sslj.nn.ResNet;
import sslj.nn.Sequential;
import sslj.nn.optim.ParamGroup;
import sslj.nn.optim.SGD;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;
import sslj.testing.Close;

/**
 * The check: a ResNet-18 (width 2, small-image stem, 1 channel) + linear head, forward and
 * backward on batch 3 of 12×12 images (so layer4 still normalises over 3·2·2 values) on "cuda-emu" (and the real GPU when present), then one SGD step, against the same on the CPU.
 * Compared: the loss, the gradients of parameters at both ends of the network, the batch-norm
 * running statistics the forward updated, and parameters after the step.
 *
 * <p>Tolerances: the GPU's GEMMs and reductions sum in another order than the CPU's, so each op
 * differs by a few float32 ulps; through ~60 ops forward and back, with batch norm over 3·2·2 values
 * in layer4 (12 values per channel: a small batch variance amplifies differences), values agree to ~1e-5
 * relative. Loss: 1e-5; gradients and parameters: atol 1e-5 + rtol 1e-3; running statistics: 1e-5.
 */
class CudaResNetTest {

    private record Out(double loss, Map<String, Tensor> grads, Map<String, Tensor> state) { }

    private static final List<String> GRADS = List.of("0.conv1.weight", "0.bn1.weight", "0.layer1.0.conv1.weight",
            "0.layer3.0.downsample.0.weight", "0.layer4.1.conv2.weight", "0.layer4.1.bn2.bias", "1.weight", "1.bias");

    private static Out step(Device dev) {
        Generator gen = new Generator(21);
        ResNet encoder = ResNet.resnet18(1, 2, true, gen);
        Module model = new Sequential(encoder, new Linear(encoder.featureDim(), 4, gen)).to(dev);
        SGD opt = new SGD(ParamGroup.all(model), 0.1, 0.9, 5e-4);
        Tensor x = Tensor.randn(new Generator(22), 3, 1, 12, 12), y = Tensor.of(new float[] {0, 3, 1}, 3);
        try (TensorScope scope = TensorScope.open()) {
            Variable loss = model.forward(Variable.constant(x.to(dev))).crossEntropy(y.to(dev));
            loss.backward();
            Map<String, Variable> params = model.namedParameters();
            Map<String, Tensor> grads = new java.util.LinkedHashMap<>();
            for (String name : GRADS) grads.put(name, Tensor.of(params.get(name).grad().toFloatArray(), params.get(name).shape()));
            opt.step();
            double l = loss.item();
            opt.zeroGrad();
            Map<String, Tensor> state = new java.util.LinkedHashMap<>();
            model.stateDict().forEach((k, t) -> state.put(k, Tensor.of(t.toFloatArray(), t.shape())));
            return new Out(l, grads, state);
        }
    }

    static List<Device> devices() { return GpuDevices.all(); }

    @ParameterizedTest
    @MethodSource("devices")
    void forwardBackwardAndStepMatchTheCpu(Device dev) {
        Out cpu = step(Device.CPU), gpu = step(dev);
        assertEquals(cpu.loss(), gpu.loss(), 1e-5 * Math.abs(cpu.loss()), "loss");
        for (String name : GRADS) {
            Close.assertClose("grad " + name, Close.toDouble(cpu.grads().get(name).toFloatArray()), gpu.grads().get(name).toFloatArray(), 1e-5, 1e-3);
        }
        assertEquals(cpu.state().keySet(), gpu.state().keySet());
        cpu.state().forEach((name, t) -> {
            boolean stat = name.contains("running") || name.contains("num_batches");
            Close.assertClose(name + " after the step", Close.toDouble(t.toFloatArray()), gpu.state().get(name).toFloatArray(),
                    1e-5, stat ? 1e-5 : 1e-3);
        });
    }
}
