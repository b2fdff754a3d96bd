package sslj.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;
import sslj.tensor.Window2d;

/**
 * Run by the tests module's "scalar-cpu" surefire execution, a JVM started without
 * --add-modules=jdk.incubator.vector (-Dsslj.expectScalar=true): the CPU backend must then take its scalar
 * paths and never load a Vector API class. In the main run (with the module) it only checks that a
 * convolution of the DirectConv3x3 shape runs.
 */
class ScalarBackendTest {
    @Test
    void aDirectConvShapeRunsWithoutTheVectorApi() {
        if (Boolean.getBoolean("sslj.expectScalar")) {
            assertFalse(CpuFeatures.VECTOR_API, "this execution is meant to run without jdk.incubator.vector");
        }
        Generator g = new Generator(3);
        Tensor x = Tensor.randn(g, 2, 3, 9, 12), w = Tensor.randn(g, 4, 3, 3, 3), dy = Tensor.randn(g, 2, 4, 9, 12);
        Window2d win = Window2d.square(3, 1, 1, 1);
        x.conv2d(w, win);                               // 3×3 stride 1 padding 1 on rows of 12: DirectConv3x3 where it can run
        dy.conv2dBackwardData(w, win, 9, 12);
        x.conv2dBackwardFilter(dy, win);
    }
}
