package sslj.nn;

import java.util.ArrayList;
import java.util.List;
import sslj.autograd.Variable;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * ResNet encoders (He et al. 2016, "Deep Residual Learning for Image Recognition", table 1) with
 * torchvision's structure and parameter names (conv1, bn1, layer1.0.conv1, layer2.0.downsample.0, ...),
 * so a state dict moves between the two. There is no "fc": {@link #forward} returns the pooled feature
 * [N, featureDim], the encoder output SSL methods put their heads on.
 *
 * <ul>
 *   <li>stem ({@link Stem}): standard (ImageNet) = 7×7 conv stride 2 + BN + ReLU + 3×3 max pool stride 2;
 *       small-image (CIFAR, Fashion-MNIST; SimCLR appendix B.9) = 3×3 conv stride 1 + BN + ReLU, no max
 *       pool; or the small stem with stride 2;</li>
 *   <li>four stages of widths w, 2w, 4w, 8w (w = 64 is the standard network), strides 1, 2, 2, 2;</li>
 *   <li>global average pool + flatten: featureDim = 8w (BasicBlock) or 32w (Bottleneck, expansion 4).</li>
 * </ul>
 * Initialisation as torchvision: convolutions kaiming_normal(fan_out, relu), BN γ = 1, β = 0; with
 * zeroInitResidual the last BN of each residual branch starts at γ = 0, so every block starts as the
 * identity (Goyal et al. 2017, "Accurate, Large Minibatch SGD", section 5.1).
 */
public final class ResNet extends Module {
    /** The layers before the four stages. */
    public enum Stem {
        /** ImageNet: 7×7 conv stride 2 + BN + ReLU + 3×3 max pool stride 2 (a 224 px image enters stage 1 at 56 px). */
        STANDARD,
        /** CIFAR / Fashion-MNIST (SimCLR appendix B.9): 3×3 conv stride 1 + BN + ReLU, no max pool. */
        SMALL,
        /**
         * {@link #SMALL} with stride 2: every feature map at half the side, a quarter of the
         * multiply-adds per channel pair, so width 2w costs about the FLOPs of width w with
         * {@link #SMALL} (the CPU runs on Fashion-MNIST use it to afford a 128-wide feature).
         */
        SMALL_STRIDE2
    }

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final MaxPool2d maxpool;           // null with the small-image stems
    private final List<Sequential> layers = new ArrayList<>();
    private final int featureDim;

    /**
     * @param bottleneck  Bottleneck blocks (ResNet-50 family) instead of BasicBlocks
     * @param blocks      blocks per stage, e.g. {2, 2, 2, 2} for ResNet-18
     */
    public ResNet(boolean bottleneck, int[] blocks, int inChannels, int width, boolean smallImageStem,
                  boolean zeroInitResidual, Generator gen) {
        this(bottleneck, blocks, inChannels, width, smallImageStem ? Stem.SMALL : Stem.STANDARD, zeroInitResidual, gen);
    }

    /** As above, with any {@link Stem}. */
    public ResNet(boolean bottleneck, int[] blocks, int inChannels, int width, Stem stem,
                  boolean zeroInitResidual, Generator gen) {
        if (blocks.length != 4) throw new IllegalArgumentException("ResNet: 4 stages of blocks expected, got " + blocks.length);
        if (width < 1 || inChannels < 1) throw new IllegalArgumentException("ResNet: width and inChannels must be >= 1, got " + width + ", " + inChannels);
        conv1 = registerModule("conv1", switch (stem) {
            case STANDARD -> conv(inChannels, width, 7, 2, gen);
            case SMALL -> conv(inChannels, width, 3, 1, gen);
            case SMALL_STRIDE2 -> conv(inChannels, width, 3, 2, gen);
        });
        bn1 = registerModule("bn1", new BatchNorm2d(width));
        maxpool = stem == Stem.STANDARD ? registerModule("maxpool", new MaxPool2d(3, 2, 1)) : null;
        int expansion = bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
        int in = width;
        for (int stage = 0; stage < 4; stage++) {
            int planes = width << stage, stride = stage == 0 ? 1 : 2;
            Sequential layer = new Sequential();
            for (int b = 0; b < blocks[stage]; b++) {
                Module block = bottleneck ? new Bottleneck(in, planes, b == 0 ? stride : 1, gen)
                        : new BasicBlock(in, planes, b == 0 ? stride : 1, gen);
                if (zeroInitResidual) {
                    BatchNorm2d last = bottleneck ? ((Bottleneck) block).lastBn() : ((BasicBlock) block).lastBn();
                    last.weight().data().fill_(0f);
                }
                layer.add(block);
                in = planes * expansion;
            }
            layers.add(registerModule("layer" + (stage + 1), layer));
        }
        featureDim = in;
    }

    public static ResNet resnet18(int inChannels, int width, boolean smallImageStem, Generator gen) {
        return new ResNet(false, new int[] {2, 2, 2, 2}, inChannels, width, smallImageStem, false, gen);
    }

    public static ResNet resnet18(int inChannels, int width, Stem stem, Generator gen) {
        return new ResNet(false, new int[] {2, 2, 2, 2}, inChannels, width, stem, false, gen);
    }

    public static ResNet resnet34(int inChannels, int width, boolean smallImageStem, Generator gen) {
        return new ResNet(false, new int[] {3, 4, 6, 3}, inChannels, width, smallImageStem, false, gen);
    }

    public static ResNet resnet34(int inChannels, int width, Stem stem, Generator gen) {
        return new ResNet(false, new int[] {3, 4, 6, 3}, inChannels, width, stem, false, gen);
    }

    public static ResNet resnet50(int inChannels, int width, boolean smallImageStem, Generator gen) {
        return new ResNet(true, new int[] {3, 4, 6, 3}, inChannels, width, smallImageStem, false, gen);
    }

    public static ResNet resnet50(int inChannels, int width, Stem stem, Generator gen) {
        return new ResNet(true, new int[] {3, 4, 6, 3}, inChannels, width, stem, false, gen);
    }

    /** [N, inChannels, H, W] → [N, featureDim]. */
    @Override public Variable forward(Variable x) {
        Variable h = bn1.forwardRelu(conv1.forward(x), null);
        if (maxpool != null) h = maxpool.forward(h);
        for (Sequential layer : layers) h = layer.forward(h);
        return h.mean(new int[] {2, 3}, false);    // global average pool + flatten in one reduction
    }

    /** The size of the pooled feature: 8·width for ResNet-18/34, 32·width for ResNet-50. */
    public int featureDim() { return featureDim; }

    /** A bias-free k×k convolution with "same" padding k/2 and torchvision's kaiming_normal(fan_out) init. */
    static Conv2d conv(int in, int out, int kernel, int stride, Generator gen) {
        Conv2d c = new Conv2d(in, out, kernel, stride, kernel / 2, 1, false, gen);
        Tensor w = c.weight().data();
        w.copy_(Init.kaimingNormalFanOut(gen, out * kernel * kernel, w.shape()));
        return c;
    }

    /** The projection shortcut: 1×1 conv with the stride + BN ("downsample.0", "downsample.1"). */
    static Sequential shortcut(int in, int out, int stride, Generator gen) {
        return new Sequential(conv(in, out, 1, stride, gen), new BatchNorm2d(out));
    }
}
