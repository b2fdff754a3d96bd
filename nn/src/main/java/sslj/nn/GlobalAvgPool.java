package sslj.nn;

import sslj.autograd.NnFunctional;
import sslj.autograd.Variable;

/** [N, C, H, W] → [N, C]: each channel's mean (AdaptiveAvgPool2d(1) followed by Flatten). */
public final class GlobalAvgPool extends Module {
    @Override public Variable forward(Variable x) {
        return NnFunctional.globalAvgPool2d(x).reshape(x.size(0), x.size(1));
    }
}
