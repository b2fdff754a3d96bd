package sslj.nn;

import sslj.autograd.Variable;
import sslj.tensor.Generator;

/**
 * The residual block of ResNet-18/34 (He et al. 2016, "Deep Residual Learning for Image Recognition",
 * fig. 2): two 3×3 convolutions, the first with the block's stride, each followed by batch norm;
 * y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). The shortcut is the identity, or, where the
 * shape changes, "downsample" = 1×1 conv with the stride + BN (the paper's option B).
 * Child names as torchvision: conv1, bn1, conv2, bn2, downsample.0, downsample.1.
 */
public final class BasicBlock extends Module {
    /** Output channels per "planes": 1 for the basic block. */
    public static final int EXPANSION = 1;

    private final Conv2d conv1, conv2;
    private final BatchNorm2d bn1, bn2;
    private final Sequential downsample;

    public BasicBlock(int inChannels, int planes, int stride, Generator gen) {
        conv1 = registerModule("conv1", ResNet.conv(inChannels, planes, 3, stride, gen));
        bn1 = registerModule("bn1", new BatchNorm2d(planes));
        conv2 = registerModule("conv2", ResNet.conv(planes, planes, 3, 1, gen));
        bn2 = registerModule("bn2", new BatchNorm2d(planes));
        downsample = stride != 1 || inChannels != planes * EXPANSION
                ? registerModule("downsample", ResNet.shortcut(inChannels, planes * EXPANSION, stride, gen)) : null;
    }

    @Override public Variable forward(Variable x) {
        Variable out = bn1.forwardRelu(conv1.forward(x), null);
        Variable identity = downsample != null ? downsample.forward(x) : x;
        return bn2.forwardRelu(conv2.forward(out), identity);   // relu(bn2(conv2(out)) + identity), one op
    }

    /** The last BN of the residual branch, zeroed by ResNet's zeroInitResidual option. */
    BatchNorm2d lastBn() { return bn2; }
}
