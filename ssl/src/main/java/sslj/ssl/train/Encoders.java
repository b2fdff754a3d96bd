package sslj.ssl.train;

import sslj.nn.Module;
import sslj.nn.ResNet;
import sslj.nn.VisionTransformer;
import sslj.tensor.Generator;

/** The encoder named by {@code --encoder}, {@code --width} and {@code --stem} (by default the small-image stem every dataset here needs: 28–32 px images). */
public final class Encoders {
    private Encoders() { }

    /** A ResNet; {@code --encoder vit} is refused here (use {@link #backbone}, which knows the image side). */
    public static ResNet build(Options o, int inChannels, Generator gen) {
        ResNet.Stem stem = stem(o.stem);
        return switch (o.encoder) {
            case "resnet18" -> ResNet.resnet18(inChannels, o.width, stem, gen);
            case "resnet34" -> ResNet.resnet34(inChannels, o.width, stem, gen);
            case "resnet50" -> ResNet.resnet50(inChannels, o.width, stem, gen);
            case "vit" -> throw new IllegalArgumentException("--encoder vit is not a ResNet (only MoCo v3 takes it)");
            default -> throw new IllegalArgumentException("unknown encoder " + o.encoder + " (one of " + Options.ENCODERS + ")");
        };
    }

    /** The {@link ResNet.Stem} a {@code --stem} value names. */
    public static ResNet.Stem stem(String name) {
        return switch (name) {
            case "small" -> ResNet.Stem.SMALL;
            case "small-stride2" -> ResNet.Stem.SMALL_STRIDE2;
            case "imagenet" -> ResNet.Stem.STANDARD;
            default -> throw new IllegalArgumentException("unknown stem " + name + " (one of " + Options.STEMS + ")");
        };
    }

    /** An encoder network and the width of its pooled features. */
    public record Backbone(Module net, int featureDim) { }

    /**
     * Any encoder {@code --encoder} names, for images of side {@code side}: a ResNet as {@link #build},
     * or {@link VisionTransformer#small} for "vit" (patch 7 on 28 px, 4 on 32 px; dim 64, depth 4, heads 4).
     */
    public static Backbone backbone(Options o, int inChannels, int side, Generator gen) {
        if (o.encoder.equals("vit")) {
            VisionTransformer v = VisionTransformer.small(inChannels, side, gen);
            return new Backbone(v, v.featureDim());
        }
        ResNet r = build(o, inChannels, gen);
        return new Backbone(r, r.featureDim());
    }
}
