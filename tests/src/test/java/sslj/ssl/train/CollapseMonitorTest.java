package sslj.ssl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sslj.tensor.Generator;
import sslj.tensor.Tensor;

/** The collapse statistics on a collapsed and on a well-spread set of features. */
class CollapseMonitorTest {

    @Test
    void collapsedFeaturesHaveZeroStdAndUniformity() {
        int n = 50, d = 8;
        float[] z = new float[n * d];
        for (int i = 0; i < n; i++) for (int k = 0; k < d; k++) z[i * d + k] = 0.3f + k;   // every row the same
        Map<String, Double> s = CollapseMonitor.stats(z, z.clone(), n, d);
        assertEquals(0.0, s.get("std"), 1e-7);
        assertEquals(1 / Math.sqrt(d), s.get("std_ref"), 1e-12);
        assertEquals(0.0, s.get("align"), 1e-12);
        assertEquals(0.0, s.get("uniform"), 1e-12);      // log E exp(0) = 0, the worst value
    }

    @Test
    void randomFeaturesSpreadLikeTheSphere() {
        int n = 600, d = 32;
        float[] z1 = Tensor.randn(new Generator(1), n, d).toFloatArray(), z2 = Tensor.randn(new Generator(2), n, d).toFloatArray();
        Map<String, Double> s = CollapseMonitor.stats(z1, z2, n, d);
        assertEquals(1 / Math.sqrt(d), s.get("std"), 0.05 / Math.sqrt(d), "std of random unit vectors");
        // independent unit vectors: E‖a − b‖² = 2; uniformity log E exp(−2‖a − b‖²) ≈ −4 + log E exp(4 a·b) ≈ −4 + 8/d
        assertEquals(2.0, s.get("align"), 0.1);
        assertEquals(-4 + 8.0 / d, s.get("uniform"), 0.1);
    }

    @Test
    void alignmentOfNearbyViewsIsSmall() {
        int n = 20, d = 4;
        float[] z1 = Tensor.randn(new Generator(3), n, d).toFloatArray(), z2 = z1.clone();
        z2[0] = -z2[0];   // flip one coordinate of the first row only
        double norm2 = 0;
        for (int k = 0; k < d; k++) norm2 += (double) z1[k] * z1[k];
        double expected = 4.0 * z1[0] * z1[0] / norm2 / n;    // ‖u − u'‖² = (2 u_0)² for that row, over n rows
        assertEquals(expected, CollapseMonitor.stats(z1, z2, n, d).get("align"), 1e-6);
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> CollapseMonitor.stats(new float[4], new float[4], 1, 4));
        assertThrows(IllegalArgumentException.class, () -> CollapseMonitor.stats(new float[8], new float[6], 2, 4));
    }
}
