package sslj.ssl.train;

import sslj.nn.ResNet;
import sslj.tensor.Generator;

/** The encoder named by {@code --encoder} and {@code --width}, with the small-image stem every dataset here needs (28–32 px images). */
public final class Encoders {
    private Encoders() { }

    public static ResNet build(Options o, int inChannels, Generator gen) {
        return switch (o.encoder) {
            case "resnet18" -> ResNet.resnet18(inChannels, o.width, true, gen);
            case "resnet34" -> ResNet.resnet34(inChannels, o.width, true, gen);
            case "resnet50" -> ResNet.resnet50(inChannels, o.width, true, gen);
            default -> throw new IllegalArgumentException("unknown encoder " + o.encoder + " (one of " + Options.ENCODERS + ")");
        };
    }
}
