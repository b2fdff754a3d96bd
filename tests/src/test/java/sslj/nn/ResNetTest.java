package sslj.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** ResNet structure: shapes, torchvision names, parameter counts, every parameter reached by backward. */
class ResNetTest {
    private final Generator gen = new Generator(5);

    /** Forward and backward of a batch of 2 one-channel 28×28 images; every parameter must get a gradient. */
    private void forwardBackward(ResNet net, int featureDim) {
        assertEquals(featureDim, net.featureDim());
        Variable y = net.forward(Variable.constant(Tensor.randn(gen, 2, 1, 28, 28)));
        assertArrayEquals(new int[] {2, featureDim}, y.shape());
        y.square().sum().backward();
        for (Map.Entry<String, Variable> e : net.namedParameters().entrySet()) {
            assertNotNull(e.getValue().grad(), e.getKey() + " got no gradient");
            assertArrayEquals(e.getValue().shape(), e.getValue().grad().shape(), e.getKey());
        }
    }

    @Test void resnet18SmallStemForwardBackward() { forwardBackward(ResNet.resnet18(1, 8, true, gen), 64); }
    @Test void resnet18StandardStemForwardBackward() { forwardBackward(ResNet.resnet18(1, 8, false, gen), 64); }
    @Test void resnet50SmallStemForwardBackward() { forwardBackward(ResNet.resnet50(1, 4, true, gen), 128); }
    @Test void resnet18StrideTwoStemForwardBackward() { forwardBackward(ResNet.resnet18(1, 8, ResNet.Stem.SMALL_STRIDE2, gen), 64); }

    /** The stems' first feature maps for a 28 px image: 28 (small), 14 (small, stride 2), 14 then 7 after the max pool (ImageNet). */
    @Test void stemsSetTheFirstStageSide() {
        Variable x = Variable.constant(Tensor.randn(gen, 2, 1, 28, 28));
        ResNet small = ResNet.resnet18(1, 4, ResNet.Stem.SMALL, gen);
        ResNet strided = ResNet.resnet18(1, 4, ResNet.Stem.SMALL_STRIDE2, gen);
        ResNet imagenet = ResNet.resnet18(1, 4, ResNet.Stem.STANDARD, gen);
        assertArrayEquals(new int[] {2, 4, 28, 28}, small.module("conv1").forward(x).shape());
        assertArrayEquals(new int[] {2, 4, 14, 14}, strided.module("conv1").forward(x).shape());
        assertArrayEquals(new int[] {2, 4, 14, 14}, imagenet.module("conv1").forward(x).shape());
        assertArrayEquals(new int[] {4, 1, 3, 3}, strided.namedParameters().get("conv1.weight").shape());
        assertFalse(strided.children().containsKey("maxpool"));
        assertTrue(imagenet.children().containsKey("maxpool"));
        assertEquals(small.namedParameters().keySet(), strided.namedParameters().keySet(), "same parameter names: the stride is not in the state dict");
    }

    @Test void torchvisionNames() {
        Map<String, Variable> p18 = ResNet.resnet18(3, 8, false, gen).namedParameters();
        for (String name : new String[] {"conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight", "layer1.0.bn1.weight",
                "layer1.1.conv2.weight", "layer2.0.downsample.0.weight", "layer2.0.downsample.1.weight", "layer4.1.bn2.bias"}) {
            assertTrue(p18.containsKey(name), name);
        }
        assertFalse(p18.containsKey("layer1.0.downsample.0.weight"), "layer1 of ResNet-18 keeps the shape: no downsample");
        assertArrayEquals(new int[] {8, 3, 7, 7}, p18.get("conv1.weight").shape());
        assertArrayEquals(new int[] {64, 32, 1, 1}, p18.get("layer4.0.downsample.0.weight").shape());

        ResNet r50 = ResNet.resnet50(3, 8, false, gen);
        Map<String, Variable> p50 = r50.namedParameters();
        assertArrayEquals(new int[] {32, 8, 1, 1}, p50.get("layer1.0.downsample.0.weight").shape(), "layer1 of ResNet-50 expands 4×");
        assertArrayEquals(new int[] {8, 8, 3, 3}, p50.get("layer1.0.conv2.weight").shape());
        assertArrayEquals(new int[] {256, 64, 1, 1}, p50.get("layer4.2.conv3.weight").shape());
        assertTrue(r50.namedBuffers().containsKey("layer3.5.bn3.running_var"));
        assertTrue(r50.namedBuffers().containsKey("bn1.num_batches_tracked"));
    }

    /**
     * torchvision's resnet18() has 11,689,512 parameters; its fc (512·1000 + 1000 = 513,000) is not
     * part of the encoder, leaving 11,176,512. For ResNet-34 and -50: 21,797,672 − 513,000 and
     * 25,557,032 − 2,049,000 (fc 2048·1000 + 1000).
     */
    @Test void standardParameterCounts() {
        assertEquals(11_689_512L - 513_000L, ResNet.resnet18(3, 64, false, gen).parameterCount());
        assertEquals(21_797_672L - 513_000L, ResNet.resnet34(3, 64, false, gen).parameterCount());
        assertEquals(25_557_032L - 2_049_000L, ResNet.resnet50(3, 64, false, gen).parameterCount());
    }

    /** kaiming_normal(fan_out): conv weights have variance 2 / (out·k·k); BN starts at γ = 1, β = 0. */
    @Test void torchvisionInit() {
        ResNet net = ResNet.resnet18(3, 16, true, gen);
        float[] w = net.namedParameters().get("layer3.0.conv1.weight").data().toFloatArray();  // [64, 32, 3, 3]
        double var = 0;
        for (float v : w) var += v * v / w.length;
        assertEquals(2.0 / (64 * 9), var, 0.1 * 2.0 / (64 * 9));
        assertArrayEquals(Tensor.ones(64).toFloatArray(), net.namedParameters().get("layer3.0.bn2.weight").data().toFloatArray());

        ResNet zero = new ResNet(false, new int[] {2, 2, 2, 2}, 1, 4, true, true, gen);
        assertEquals(0f, zero.namedParameters().get("layer2.1.bn2.weight").data().abs().sum().item());
        assertEquals(4f, zero.namedParameters().get("layer1.0.bn1.weight").data().sum().item());
    }

    @Test void evalModeIsDeterministicPerSample() {
        ResNet net = ResNet.resnet18(1, 4, true, gen);
        net.forward(Variable.constant(Tensor.randn(gen, 4, 1, 12, 12)));     // one training step moves the running stats
        net.eval();
        Tensor x = Tensor.randn(gen, 3, 1, 12, 12);
        Tensor all = net.forward(Variable.constant(x)).data();
        Tensor one = net.forward(Variable.constant(x.narrow(0, 1, 1))).data();
        sslj.testing.Close.assertClose("eval: a sample's feature does not depend on its batch",
                sslj.testing.Close.toDouble(all.narrow(0, 1, 1).toFloatArray()), one.toFloatArray(), 1e-5, 1e-4);
    }
}
