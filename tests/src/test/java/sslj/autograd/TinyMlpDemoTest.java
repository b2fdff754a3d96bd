package sslj.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import sslj.autograd.demo.TinyMlpDemo;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/**
 * The demo's training loop, seed 42, 1000 steps. Measured when written (2025, this machine): loss
 * 1.134 → 0.05, accuracy 0.99; seeds 1, 2, 3, 7 gave 0.983–0.993. The thresholds leave wide margin.
 */
class TinyMlpDemoTest {
    @Test void spiralHasThreeBalancedClasses() {
        Tensor[] d = TinyMlpDemo.spiral(new Generator(0));
        assertArrayEquals(new int[] {300, 2}, d[0].shape());
        assertEquals(100f, d[1].eq(Tensor.full(2f)).sum().item());
    }

    @Test void lossFallsAndTheSpiralIsLearned() {
        TinyMlpDemo.Result r = TinyMlpDemo.train(1000, 42, null);
        float first = r.losses()[0], last = r.losses()[r.losses().length - 1];
        assertEquals(Math.log(3), first, 0.3, "an untrained 3-class classifier starts near ln 3");
        assertTrue(last < 0.2f * first, "final loss " + last + " vs initial " + first);
        assertTrue(r.losses()[500] < r.losses()[100] && r.losses()[100] < first, "the loss keeps falling");
        assertTrue(r.accuracy() > 0.95f, "training accuracy " + r.accuracy());
    }
}
