package sslj.nn;

import sslj.autograd.Variable;
import sslj.tensor.Generator;

/**
 * The bottleneck block of ResNet-50/101/152 (He et al. 2016, fig. 5 right): 1×1 conv reducing to
 * "planes" channels, 3×3 conv (carrying the block's stride, as torchvision's "ResNet v1.5"), 1×1 conv
 * expanding to 4·planes, each followed by batch norm; y = relu(bn3(...) + shortcut(x)). The shortcut is
 * the identity or "downsample" = 1×1 conv + BN. Child names as torchvision: conv1..3, bn1..3, downsample.
 */
public final class Bottleneck extends Module {
    /** Output channels per "planes": the last 1×1 conv expands 4×. */
    public static final int EXPANSION = 4;

    private final Conv2d conv1, conv2, conv3;
    private final BatchNorm2d bn1, bn2, bn3;
    private final Sequential downsample;

    public Bottleneck(int inChannels, int planes, int stride, Generator gen) {
        conv1 = registerModule("conv1", ResNet.conv(inChannels, planes, 1, 1, gen));
        bn1 = registerModule("bn1", new BatchNorm2d(planes));
        conv2 = registerModule("conv2", ResNet.conv(planes, planes, 3, stride, gen));
        bn2 = registerModule("bn2", new BatchNorm2d(planes));
        conv3 = registerModule("conv3", ResNet.conv(planes, planes * EXPANSION, 1, 1, gen));
        bn3 = registerModule("bn3", new BatchNorm2d(planes * EXPANSION));
        downsample = stride != 1 || inChannels != planes * EXPANSION
                ? registerModule("downsample", ResNet.shortcut(inChannels, planes * EXPANSION, stride, gen)) : null;
    }

    @Override public Variable forward(Variable x) {
        Variable out = bn1.forwardRelu(conv1.forward(x), null);
        out = bn2.forwardRelu(conv2.forward(out), null);
        Variable identity = downsample != null ? downsample.forward(x) : x;
        return bn3.forwardRelu(conv3.forward(out), identity);   // relu(bn3(conv3(out)) + identity), one op
    }

    /** The last BN of the residual branch, zeroed by ResNet's zeroInitResidual option. */
    BatchNorm2d lastBn() { return bn3; }
}
