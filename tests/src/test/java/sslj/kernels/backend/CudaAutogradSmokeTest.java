package sslj.kernels.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.tensor.Device;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.TensorScope;
import sslj.testing.Close;

/**
 * A tiny MLP (linear → GELU → linear → log-softmax → NLL-style loss, plus an l2-normalised branch)
 * forward and backward on "cuda-emu", against the same network on the CPU; every op runs as PTX.
 */
class CudaAutogradSmokeTest {

    private static Variable[] run(Device dev) {
        Generator g = new Generator(11);
        Tensor x = Tensor.randn(g, 6, 5), w1 = Tensor.randn(g, 5, 8).mul(0.4f), b1 = Tensor.randn(g, 8).mul(0.1f);
        Tensor w2 = Tensor.randn(g, 8, 3).mul(0.4f), target = Tensor.of(new float[] {0, 2, 1, 1, 0, 2}, 6);
        Variable vw1 = Variable.param(w1.to(dev)), vb1 = Variable.param(b1.to(dev)), vw2 = Variable.param(w2.to(dev));
        Variable vx = Variable.constant(x.to(dev));
        Variable h = vx.matmul(vw1).add(vb1).gelu();
        Variable logits = h.matmul(vw2);
        Tensor oneHot = target.to(dev).unsqueeze(1).eq(Tensor.arange(3).to(dev).unsqueeze(0));
        Variable nll = logits.logSoftmax(1).mul(Variable.constant(oneHot)).sum().neg().div(6f);
        Variable z = h.l2Normalize(1);
        Variable loss = nll.add(z.mul(z).sum(new int[] {1}, false).mean().mul(0.1f)).add(logits.softmax(1).max().mul(0.01f));
        loss.backward();
        return new Variable[] {loss, vw1, vb1, vw2};
    }

    @Test
    void gradientsMatchTheCpu() {
        Variable[] cpu = run(Device.CPU);
        try (TensorScope step = TensorScope.open()) {
            Variable[] gpu = run(GpuDevices.emulated());
            assertEquals(cpu[0].item(), gpu[0].item(), 1e-5, "loss");
            String[] names = {"loss", "w1", "b1", "w2"};
            for (int i = 1; i < 4; i++) {
                Close.assertClose("grad " + names[i], cpu[i].grad().shape(), Close.toDouble(cpu[i].grad().toFloatArray()),
                        gpu[i].grad(), 1e-5, 1e-4);
            }
        }
    }
}
