package sslj.ssl.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** McNemar's paired comparison, by hand and against a simulation of its standard error. */
class PairedComparisonTest {

    @Test
    void aHandWorkedExample() {
        //             image: 0  1  2  3  4  5  6  7  8  9
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] a =      {0, 1, 2, 3, 4, 5, 9, 9, 9, 9};   // right on 0..5
        int[] b =      {0, 1, 2, 9, 9, 9, 9, 9, 8, 9};   // right on 0..2 and 8
        PairedComparison p = PairedComparison.of(a, b, labels);
        assertEquals(3, p.b());                             // 3, 4, 5: only A
        assertEquals(1, p.c());                             // 8: only B
        assertEquals(0.2, p.difference(), 1e-12);           // 0.6 - 0.4
        // SE = sqrt((b + c)/n - d^2) / sqrt(n) = sqrt(0.4 - 0.04) / sqrt(10) = 0.6 / 3.1623
        assertEquals(0.6 / Math.sqrt(10), p.standardError(), 1e-12);
        assertEquals(2 / Math.sqrt(4), p.z(), 1e-12);      // (3 - 1) / sqrt(3 + 1)
        String s = p.describe("A", "B");
        assertTrue(s.startsWith("A vs B: +20.00 points (95% CI -17.19 to +57.19; McNemar z 1.0;"), s);
        assertTrue(s.endsWith("only the first right on 3 images, only the second on 1, of 10)"), s);
    }

    @Test
    void theStandardErrorIsTheSpreadOfTheDifferenceOverRedrawnTestSets() {
        // two classifiers correlated through a shared "difficulty": the paired SE from one test set
        // must match the spread of the difference over many test sets drawn the same way
        java.util.Random r = new java.util.Random(7);
        int n = 2000, sets = 400;
        double[] diffs = new double[sets];
        double seSum = 0;
        for (int s = 0; s < sets; s++) {
            int[] labels = new int[n], a = new int[n], b = new int[n];
            for (int i = 0; i < n; i++) {
                double hard = r.nextDouble();
                a[i] = r.nextDouble() < 0.9 - 0.5 * hard ? 0 : 1;
                b[i] = r.nextDouble() < 0.85 - 0.5 * hard ? 0 : 1;
            }
            PairedComparison p = PairedComparison.of(a, b, labels);
            diffs[s] = p.difference();
            seSum += p.standardError();
        }
        double mean = java.util.Arrays.stream(diffs).average().orElseThrow(), var = 0;
        for (double d : diffs) var += (d - mean) * (d - mean);
        double spread = Math.sqrt(var / (sets - 1)), se = seSum / sets;
        assertEquals(0.05, mean, 0.003);
        assertEquals(spread, se, 0.15 * spread, "mean paired SE " + se + " against the observed spread " + spread);
    }

    @Test
    void noDiscordantImagesNoEvidence() {
        PairedComparison p = PairedComparison.of(new int[] {1, 2}, new int[] {1, 2}, new int[] {1, 0});
        assertEquals(0, p.difference());
        assertEquals(0, p.z());
        assertEquals(0, p.standardError());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(new int[2], new int[3], new int[2]));
        assertThrows(IllegalArgumentException.class, () -> PairedComparison.of(new int[0], new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new PairedComparison(3, 3, 5));
    }
}
