package sslj.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The Philox generator and the random fills built on it: the known-answer vector, reproducibility,
 * independence of seeds and of successive fills, and sample statistics.
 *
 * <p>Statistical tolerances are about 5 standard errors for n = 100 000 samples, so a correct
 * generator fails them with probability below one in a million, and the seeds are fixed anyway.
 */
class GeneratorTest {
    private static final int N = 100_000;

    @Test
    void philoxMatchesTheRandom123KnownAnswer() {
        // Random123's kat_vectors: philox4x32 10 rounds, counter 0 and key 0.
        int[] words = new int[4];
        Generator.block(0, 0, words);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, words);
    }

    @Test
    void sameSeedGivesTheSameNumbers() {
        float[] a = Tensor.randn(new Generator(42), 7, 33).toFloatArray();
        float[] b = Tensor.randn(new Generator(42), 7, 33).toFloatArray();
        assertArrayEquals(a, b);
    }

    @Test
    void differentSeedsDiffer() {
        float[] a = Tensor.rand(new Generator(1), 129).toFloatArray();
        float[] b = Tensor.rand(new Generator(2), 129).toFloatArray();
        assertFalse(Arrays.equals(a, b));
    }

    @Test
    void successiveFillsDifferAndAdvanceTheOffset() {
        Generator gen = new Generator(7);
        float[] first = Tensor.rand(gen, 33).toFloatArray();
        assertEquals(9, gen.offset(), "33 numbers use ceil(33/4) = 9 blocks");
        float[] second = Tensor.rand(gen, 33).toFloatArray();
        assertFalse(Arrays.equals(first, second));
    }

    @Test
    void elementIDependsOnlyOnSeedAndPosition() {
        // Counter-based: a longer fill starts with the shorter one, whatever the parallel split.
        float[] shortFill = Tensor.randn(new Generator(3), 13).toFloatArray();
        float[] longFill = Tensor.randn(new Generator(3), 70_001).toFloatArray();
        assertArrayEquals(shortFill, Arrays.copyOf(longFill, 13));
    }

    @Test
    void uniformIsInRangeWithMeanHalfAndStdRootOneTwelfth() {
        float[] x = Tensor.rand(new Generator(11), N).toFloatArray();
        for (float v : x) assertTrue(v >= 0f && v < 1f, "value " + v + " outside [0, 1)");
        // σ of the mean = 0.289/√N ≈ 0.0009; the sample std's error is smaller still.
        assertEquals(0.5, mean(x), 0.005);
        assertEquals(Math.sqrt(1.0 / 12), std(x), 0.005);
    }

    @Test
    void uniformScalesToLoHi() {
        float[] x = Tensor.uniform(new Generator(12), -3f, 5f, N).toFloatArray();
        for (float v : x) assertTrue(v >= -3f && v < 5f, "value " + v + " outside [-3, 5)");
        assertEquals(1.0, mean(x), 0.04); // σ of the mean = 8·0.289/√N ≈ 0.0073
    }

    @Test
    void normalHasMeanZeroStdOneAndTheRightShape() {
        float[] x = Tensor.randn(new Generator(13), N).toFloatArray();
        assertEquals(0.0, mean(x), 0.016); // σ of the mean = 1/√N ≈ 0.0032
        assertEquals(1.0, std(x), 0.012);  // σ of the sample std ≈ 1/√(2N) ≈ 0.0022
        // A Gaussian has 68.27% of its mass within one σ (a check of shape, not just moments).
        long within = 0;
        for (float v : x) if (Math.abs(v) < 1) within++;
        assertEquals(0.6827, within / (double) N, 0.008); // σ = √(p(1-p)/N) ≈ 0.0015
    }

    @Test
    void normalScalesToMeanAndStd() {
        float[] x = Tensor.normal(new Generator(14), 2f, 0.5f, N).toFloatArray();
        assertEquals(2.0, mean(x), 0.008);
        assertEquals(0.5, std(x), 0.006);
    }

    @Test
    void randomFillsHaveTheRequestedShape() {
        Tensor t = Tensor.randn(new Generator(1), 3, 1, 7);
        assertArrayEquals(new int[] {3, 1, 7}, t.shape());
        assertTrue(t.isContiguous());
    }

    @Test
    void hostSideDrawsStayInRange() {
        Generator gen = new Generator(5);
        int[] counts = new int[7];
        for (int i = 0; i < 7000; i++) counts[gen.nextInt(7)]++;
        for (int c : counts) assertTrue(c > 800 && c < 1200, "nextInt(7) counts " + Arrays.toString(counts));
        float f = gen.nextFloat();
        assertTrue(f >= 0 && f < 1);
        assertThrows(IllegalArgumentException.class, () -> gen.nextInt(0));
    }

    @Test
    void badDistributionParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.uniform(new Generator(1), 1f, 0f, 3));
        assertThrows(IllegalArgumentException.class, () -> Tensor.normal(new Generator(1), 0f, -1f, 3));
    }

    private static double mean(float[] x) {
        double s = 0;
        for (float v : x) s += v;
        return s / x.length;
    }

    private static double std(float[] x) {
        double m = mean(x), s = 0;
        for (float v : x) s += (v - m) * (v - m);
        return Math.sqrt(s / (x.length - 1));
    }
}
